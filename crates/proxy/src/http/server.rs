//! [`serve`]: the proxy's HTTP/1.1 server, bounded against slow and hoarding clients
//! (docs/proxy.md, "Configuration"): a request's headers must arrive within
//! `SEATQUOTE_HEADER_TIMEOUT_MS` (from connecting, or from the previous answer on a
//! kept-alive connection; hyper's header-read timer), else the connection is closed; its
//! body within `SEATQUOTE_BODY_TIMEOUT_MS` of its headers ([`body_deadline`]), else 408
//! `request_timeout` and the connection is closed; and at most
//! `SEATQUOTE_MAX_CONNECTIONS` connections are served at once — the next is accepted
//! only when one closes (until then it waits in the listen queue).

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::problem::Problem;
use crate::state::AppState;

/// Serves [`super::app`] on `listener` until `shutdown` completes, then lets the
/// connections finish their requests. A failed accept (no file descriptor left, say) is
/// logged and retried.
pub async fn serve(listener: TcpListener, state: AppState, shutdown: impl Future<Output = ()>) {
    let limits = state.server_limits;
    let router = super::app(state);
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    tokio::pin!(shutdown);
    loop {
        // A connection slot first: past the cap, nothing more is accepted.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(s) => s,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot accept a connection; retrying");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let conn = http.serve_connection(
            TokioIo::new(stream),
            TowerToHyperService::new(router.clone()),
        );
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection closed");
            }
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// A request body that fails once its deadline has passed (and says so in `fired`).
struct Deadline {
    inner: Body,
    sleep: Pin<Box<tokio::time::Sleep>>,
    fired: Arc<AtomicBool>,
}

impl HttpBody for Deadline {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        let this = &mut *self;
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            return Poll::Ready(frame);
        }
        if this.sleep.as_mut().poll(cx).is_ready() {
            this.fired.store(true, Ordering::Relaxed);
            return Poll::Ready(Some(Err(axum::Error::new("request body timeout"))));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// Middleware: the request's body must arrive within `SEATQUOTE_BODY_TIMEOUT_MS` of its
/// headers; a body still arriving then is answered 408 `request_timeout`, and the
/// connection closed.
pub async fn body_deadline(State(app): State<AppState>, req: Request, next: Next) -> Response {
    if req.body().is_end_stream() {
        return next.run(req).await;
    }
    let limit = app.server_limits.body_timeout;
    let fired = Arc::new(AtomicBool::new(false));
    let f = fired.clone();
    let req = req.map(move |inner| {
        Body::new(Deadline {
            inner,
            sleep: Box::pin(tokio::time::sleep(limit)),
            fired: f,
        })
    });
    let res = next.run(req).await;
    if !fired.load(Ordering::Relaxed) {
        return res;
    }
    let mut res = Problem::new(
        StatusCode::REQUEST_TIMEOUT,
        "request_timeout",
        format!(
            "the request body did not arrive within {} ms",
            limit.as_millis()
        ),
    )
    .into_response();
    res.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    res
}
