//! Secrets wiped for real, also in the copies other code makes.
//!
//! `Secret` and `Zeroizing` wipe the copies this library owns by name. But a token or a
//! credential also passes through buffers nobody here owns: serde_json's parsed strings,
//! ureq's connection buffers and header values, rustls' plaintext records, and the old
//! buffer a growing `Vec` leaves behind when it moves. Two measures cover those:
//!
//! - `sys::alloc::WipingAllocator` (the `unsafe` half of this measure lives there): every
//!   heap block this library's Rust code frees is zeroed first (the global allocator of
//!   the cdylib; C callers' own `malloc` is not affected). A reallocation that moves a
//!   block frees (so wipes) the old one. Blocks of 128 KiB and more never reach it:
//!   `sys/big_blocks.rs` maps them itself and unmaps them at free, which takes them out
//!   of the process.
//! - [`WipeOutput`]: a connection's output buffer, which holds the last request's
//!   `Authorization` header, is zeroed as soon as the request is sent, so a pooled
//!   connection keeps no credential or token.
//!
//! Token requests are also sent with `Connection: close` (see `http.rs`): their connection,
//! whose input buffer holds the token answer, is dropped (and so wiped) at once.

use ureq::unversioned::transport::{Buffers, ConnectionDetails, Connector, NextTimeout, Transport};

use crate::sys::alloc::wipe;

/// The last connector of the chain: wraps each connection in [`WipingTransport`].
#[derive(Debug, Default)]
pub struct WipeOutput;

impl<In: Transport> Connector<In> for WipeOutput {
    type Out = WipingTransport<In>;

    fn connect(
        &self,
        _details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        Ok(chained.map(|t| WipingTransport(t, false)))
    }
}

/// A connection whose output buffer is zeroed after every write. The flag: it was used
/// since its last probe (see `is_open`).
#[derive(Debug)]
pub struct WipingTransport<T>(T, bool);

impl<T: Transport> Transport for WipingTransport<T> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.0.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.1 = true;
        let sent = self.0.transmit_output(amount, timeout);
        let output = self.0.buffers().output();
        // Bytes past `amount` were wiped after the write that put them there.
        let used = amount.min(output.len());
        wipe(&mut output[..used]);
        sent
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.0.await_input(timeout)
    }

    /// ureq probes a connection twice between two requests: when it goes back to the
    /// pool right after a response (bytes past the body, or a close, make it unusable)
    /// and when it is taken out again. The second probe sees everything the first would
    /// have, plus what happened in between, so the first is skipped: the one probe (3
    /// system calls) is made when the connection is taken for the next request.
    fn is_open(&mut self) -> bool {
        if std::mem::replace(&mut self.1, false) {
            return true;
        }
        self.0.is_open()
    }

    fn is_tls(&self) -> bool {
        self.0.is_tls()
    }
}

/// Overwrites the 16 KiB of stack below the caller's frame, where deeper calls left
/// copies behind (a SHA-256 context's block buffer holding a credential it hashed for the
/// cache key, say). Called at the end of calls that handle credentials, from the exported
/// function itself, so that everything deeper is covered.
#[inline(never)]
pub fn scrub_stack() {
    let mut area = [0u8; 16 * 1024];
    wipe(&mut area);
    std::hint::black_box(&mut area);
}
