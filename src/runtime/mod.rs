//! What the library runs beside the calls: the async I/O threads (`worker_pool`), the
//! log records and their delivery thread (`log`, `log_sink`), `fork`, the one owner
//! of fork safety for every lock and thread of the library. (The global allocator's
//! layers, `heap` and `big_blocks`, hold `unsafe`: they are in `sys/`.)

pub(crate) mod fork;
pub(crate) mod log;
pub(crate) mod log_sink;
pub(crate) mod worker_pool;
