//! What the library runs beside the calls: the async I/O threads (`worker_pool`), the
//! log records and their delivery thread (`log`, `log_sink`), `fork`, the one owner
//! of fork safety for every lock and thread of the library; and the layers of the global
//! allocator: `heap` (the count of the library's own heap bytes) and `big_blocks` (blocks
//! of 128 KiB and more mapped by the library, so they never raise glibc's thresholds).

pub(crate) mod big_blocks;
pub(crate) mod fork;
pub(crate) mod heap;
pub(crate) mod log;
pub(crate) mod log_sink;
pub(crate) mod worker_pool;
