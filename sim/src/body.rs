//! Response bodies, including the deliberately broken ones: a huge body streamed from a
//! static buffer (never held in memory), and a body that stops short of its
//! `Content-Length` and then aborts the connection.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Filler for oversized bodies, shared by every chunk.
static FILL: [u8; 64 * 1024] = [b'x'; 64 * 1024];

/// How long a truncated body waits before aborting, so hyper flushes what was sent.
const TRUNCATE_PAUSE: Duration = Duration::from_millis(50);

pub enum SimBody {
    /// A whole body in memory (`None` once sent).
    Full(Option<Bytes>),
    /// `prefix`, then `fill` filler bytes, then `suffix`.
    Streamed {
        total: u64,
        prefix: Option<Bytes>,
        fill: u64,
        suffix: Option<Bytes>,
    },
    /// Sends `data`, pauses, then fails: hyper closes the connection mid-body.
    Truncated {
        data: Option<Bytes>,
        pause: Option<Pin<Box<tokio::time::Sleep>>>,
    },
}

impl SimBody {
    pub fn full(bytes: impl Into<Bytes>) -> SimBody {
        SimBody::Full(Some(bytes.into()))
    }

    /// A valid JSON object of exactly `total` bytes (at least its 15-byte skeleton).
    pub fn oversized_json(total: u64) -> SimBody {
        const PREFIX: &[u8] = b"{\"padding\":\"";
        const SUFFIX: &[u8] = b"\"}\n";
        let skeleton = (PREFIX.len() + SUFFIX.len()) as u64;
        let total = total.max(skeleton);
        SimBody::Streamed {
            total,
            prefix: Some(Bytes::from_static(PREFIX)),
            fill: total - skeleton,
            suffix: Some(Bytes::from_static(SUFFIX)),
        }
    }

    pub fn truncated(data: impl Into<Bytes>) -> SimBody {
        SimBody::Truncated {
            data: Some(data.into()),
            pause: None,
        }
    }
}

fn data(bytes: Bytes) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
    Poll::Ready(Some(Ok(Frame::data(bytes))))
}

impl Body for SimBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        match self.get_mut() {
            SimBody::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            SimBody::Streamed {
                prefix,
                fill,
                suffix,
                ..
            } => {
                if let Some(p) = prefix.take() {
                    return data(p);
                }
                if *fill > 0 {
                    let n = (*fill).min(FILL.len() as u64);
                    *fill -= n;
                    return data(Bytes::from_static(&FILL[..n as usize]));
                }
                Poll::Ready(suffix.take().map(|s| Ok(Frame::data(s))))
            }
            SimBody::Truncated {
                data: pending,
                pause,
            } => {
                if let Some(d) = pending.take() {
                    return data(d);
                }
                let sleep =
                    pause.get_or_insert_with(|| Box::pin(tokio::time::sleep(TRUNCATE_PAUSE)));
                match sleep.as_mut().poll(cx) {
                    Poll::Pending => Poll::Pending,
                    Poll::Ready(()) => {
                        Poll::Ready(Some(Err("body truncated on purpose (fault)".into())))
                    }
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, SimBody::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            SimBody::Full(bytes) => {
                SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64))
            }
            SimBody::Streamed { total, .. } => SizeHint::with_exact(*total),
            // Unknown, so hyper keeps the (too large) Content-Length we set.
            SimBody::Truncated { .. } => SizeHint::default(),
        }
    }
}
