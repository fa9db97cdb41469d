//! What the library runs beside the calls: the async I/O threads (`worker_pool`), the
//! log records and their delivery thread (`log`, `log_sink`), and `fork`, the one owner
//! of fork safety for every lock and thread of the library.

pub(crate) mod fork;
pub(crate) mod log;
pub(crate) mod log_sink;
pub(crate) mod worker_pool;
