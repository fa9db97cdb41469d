//! The command calls exactly what a C program would, through the library's one safe layer
//! over its C functions (`paytoken::safe_api`, linked in from the rlib, so the binary
//! needs no libpaytoken.so beside it).

pub use paytoken::safe_api::{Client, Failure};
