//! HTTP/1.1 on a loopback socket: the accept loop, the per-request pipeline, and the faults that
//! need control over the wire (slow, truncated, dropped and oversized answers).
//!
//! Every request goes through the same steps: it is read whole and recorded, then it waits for the
//! configured latency, then it takes a queued fault if one applies, and only then is the real
//! answer computed (under the state lock, without awaiting) and sent.

use std::future::Future as _;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::{mpsc, oneshot};

use crate::answer::Answer;
use crate::dispatch;
use crate::faults::FaultKind;
use crate::recording::RecordedRequest;
use crate::state::State;

/// Request bodies are read whole; the token endpoint's are tiny, so 1 MiB is generous.
const MAX_REQUEST_BODY: usize = 1024 * 1024;
/// How many pieces [`FaultKind::SlowBody`] cuts a body into.
const SLOW_BODY_PIECES: usize = 10;
/// The chunk size of [`FaultKind::Oversized`] bodies.
const OVERSIZED_CHUNK: usize = 64 * 1024;

/// Locks the state, recovering from a poisoned lock: a panic in one handler must not take down
/// every later request of a test.
pub(crate) fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// How long a client gets to complete the TLS handshake before the connection is dropped.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Accepts connections until `shutdown` fires, serving each on its own task; over TLS when
/// `tls` is given. A failed handshake (a client that does not trust the certificate) ends the
/// connection before any request, so nothing is recorded for it.
pub(crate) async fn serve(
    listener: std::net::TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    state: Arc<Mutex<State>>,
    mut shutdown: oneshot::Receiver<()>,
) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    loop {
        // The shutdown signal or the next connection, whichever comes first.
        let next = std::future::poll_fn(|cx| {
            if Pin::new(&mut shutdown).poll(cx).is_ready() {
                return Poll::Ready(None);
            }
            listener.poll_accept(cx).map(Some)
        });
        let Some(accepted) = next.await else {
            return;
        };
        let Ok((stream, _)) = accepted else {
            // Out of file descriptors or similar: back off instead of spinning.
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let state = Arc::clone(&state);
        let tls = tls.clone();
        tokio::spawn(async move {
            match tls {
                None => serve_connection(stream, state).await,
                Some(acceptor) => {
                    let handshake =
                        tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream));
                    if let Ok(Ok(stream)) = handshake.await {
                        serve_connection(stream, state).await;
                    }
                }
            }
        });
    }
}

/// Serves HTTP/1.1 on one connection, plain or TLS, until either side closes it.
async fn serve_connection<S>(stream: S, state: Arc<Mutex<State>>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |request| handle(Arc::clone(&state), request));
    // Errors here are clients hanging up or faults dropping the connection on purpose; either
    // way there is nobody left to tell.
    let _ = http1::Builder::new()
        .timer(TokioTimer::new())
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

/// The error a service returns to make hyper close the connection without answering.
#[derive(Debug)]
pub(crate) struct HangUp;

impl std::fmt::Display for HangUp {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("the sandbox hung up on purpose")
    }
}

impl std::error::Error for HangUp {}

async fn handle(
    state: Arc<Mutex<State>>,
    request: Request<Incoming>,
) -> Result<Response<ResponseBody>, HangUp> {
    let (parts, body) = request.into_parts();
    let Ok(body) = Limited::new(body, MAX_REQUEST_BODY).collect().await else {
        return Err(HangUp);
    };
    let recorded = RecordedRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: body.to_bytes().to_vec(),
    };
    let (latency, fault) = {
        let mut state = lock(&state);
        state.log.push(recorded.clone());
        (
            state.latency_for(&recorded.path),
            state.faults.take(&recorded.path),
        )
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match fault {
        Some(FaultKind::Drop) => return Err(HangUp),
        Some(FaultKind::Respond {
            status,
            content_type,
            body,
            retry_after,
        }) => {
            let mut answer = Answer {
                status,
                headers: Vec::new(),
                body,
            };
            if let Some(content_type) = content_type {
                answer = answer.with_header("content-type", content_type);
            }
            if let Some(retry_after) = retry_after {
                answer = answer.with_header("retry-after", retry_after);
            }
            return Ok(complete(answer));
        }
        Some(FaultKind::Echo { status, suffix }) => {
            return Ok(complete(echo(&recorded, status, &suffix)));
        }
        Some(FaultKind::Oversized(length)) => return Ok(oversized(length)),
        Some(FaultKind::EndlessMarkers) => {
            let body = crate::faults::endless_page(recorded.query.as_deref());
            return Ok(complete(Answer {
                status: 200,
                headers: vec![("content-type", "application/json".to_owned())],
                body,
            }));
        }
        Some(FaultKind::Delay(delay)) => tokio::time::sleep(delay).await,
        Some(FaultKind::SlowBody(_) | FaultKind::Truncate) | None => {}
    }
    let answer = dispatch::respond(
        &mut lock(&state),
        &recorded,
        SystemTime::now(),
        Instant::now(),
    );
    Ok(match fault {
        Some(FaultKind::SlowBody(pause)) => slow(answer, pause),
        Some(FaultKind::Truncate) => truncated(answer),
        _ => complete(answer),
    })
}

/// The answer of [`FaultKind::Echo`]: the request's credentials repeated back to it.
fn echo(request: &RecordedRequest, status: u16, suffix: &str) -> Answer {
    let authorization = request.header("authorization").unwrap_or_default();
    let body = lower_case_escapes(&String::from_utf8_lossy(&request.body));
    let description = format!("cannot accept Authorization: {authorization} with {body}{suffix}");
    crate::answer::oauth_error(status, "invalid_client", &description)
}

/// `text` with the hex digits of its percent escapes in lower case, as some servers write them.
fn lower_case_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut digits = 0_u8;
    for c in text.chars() {
        out.push(if digits > 0 {
            c.to_ascii_lowercase()
        } else {
            c
        });
        digits = if c == '%' {
            2
        } else {
            digits.saturating_sub(1)
        };
    }
    out
}

/// A response with `answer`'s status and headers around `body`.
fn response(answer: &Answer, body: ResponseBody) -> Response<ResponseBody> {
    let mut builder = Response::builder().status(answer.status);
    for (name, value) in &answer.headers {
        builder = builder.header(*name, value.as_str());
    }
    builder.body(body).unwrap_or_else(|_| {
        // Only a test-injected status outside 100..=999 or an unencodable header gets here.
        let mut fallback = Response::new(ResponseBody::complete(
            b"the injected fault is not a valid HTTP response".to_vec(),
        ));
        *fallback.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
        fallback
    })
}

fn complete(answer: Answer) -> Response<ResponseBody> {
    let body = ResponseBody::complete(answer.body.clone());
    response(&answer, body)
}

fn slow(answer: Answer, pause: Duration) -> Response<ResponseBody> {
    let length = answer.body.len();
    let piece_length = length.div_ceil(SLOW_BODY_PIECES).max(1);
    let pieces: Vec<Bytes> = answer
        .body
        .chunks(piece_length)
        .map(Bytes::copy_from_slice)
        .collect();
    // The true length goes out with the headers, so the answer looks normal until it stalls.
    let answer = answer.with_header("content-length", length.to_string());
    let (sender, body) = ResponseBody::streamed(1);
    tokio::spawn(async move {
        for piece in pieces {
            tokio::time::sleep(pause).await;
            if sender.send(Ok(piece)).await.is_err() {
                return;
            }
        }
    });
    response(&answer, body)
}

fn truncated(answer: Answer) -> Response<ResponseBody> {
    let length = answer.body.len().max(2);
    let answer = answer.with_header("content-length", length.to_string());
    let half = Bytes::copy_from_slice(&answer.body[..answer.body.len() / 2]);
    let (sender, body) = ResponseBody::streamed(2);
    tokio::spawn(async move {
        if !half.is_empty() && sender.send(Ok(half)).await.is_err() {
            return;
        }
        // Ending the body with an error makes hyper close the connection mid-body.
        let _ = sender.send(Err(HangUp)).await;
    });
    response(&answer, body)
}

fn oversized(length: u64) -> Response<ResponseBody> {
    let answer = Answer {
        status: 200,
        headers: vec![("content-type", "application/json".to_owned())],
        body: Vec::new(),
    };
    let (sender, body) = ResponseBody::streamed(2);
    tokio::spawn(async move {
        let mut produced = 0_u64;
        while produced < length {
            let chunk_length = (length - produced).min(OVERSIZED_CHUNK as u64);
            let chunk: Vec<u8> = (produced..produced + chunk_length)
                .map(|position| oversized_byte(position, length))
                .collect();
            produced += chunk_length;
            if sender.send(Ok(Bytes::from(chunk))).await.is_err() {
                return;
            }
        }
    });
    response(&answer, body)
}

/// The byte at `position` of the `{"padding":"aaa…"}` body that is `length` bytes long.
fn oversized_byte(position: u64, length: u64) -> u8 {
    const OPENING: &[u8] = br#"{"padding":""#;
    const CLOSING: &[u8] = br#""}"#;
    let opening = OPENING.len() as u64;
    let closing = CLOSING.len() as u64;
    if position < opening {
        OPENING[usize::try_from(position).unwrap_or_default()]
    } else if length >= opening + closing && position >= length - closing {
        CLOSING[usize::try_from(position - (length - closing)).unwrap_or_default()]
    } else {
        b'a'
    }
}

/// A response body that is either complete up front or streamed from a task through a channel.
#[derive(Debug)]
pub(crate) enum ResponseBody {
    Complete(Option<Bytes>),
    Streamed(mpsc::Receiver<Result<Bytes, HangUp>>),
}

impl ResponseBody {
    fn complete(body: Vec<u8>) -> ResponseBody {
        ResponseBody::Complete(Some(Bytes::from(body)))
    }

    fn streamed(buffer: usize) -> (mpsc::Sender<Result<Bytes, HangUp>>, ResponseBody) {
        let (sender, receiver) = mpsc::channel(buffer);
        (sender, ResponseBody::Streamed(receiver))
    }
}

impl Body for ResponseBody {
    type Data = Bytes;
    type Error = HangUp;

    fn poll_frame(
        self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, HangUp>>> {
        match self.get_mut() {
            ResponseBody::Complete(body) => Poll::Ready(
                body.take()
                    .filter(|bytes| !bytes.is_empty())
                    .map(|bytes| Ok(Frame::data(bytes))),
            ),
            ResponseBody::Streamed(receiver) => receiver
                .poll_recv(context)
                .map(|piece| piece.map(|piece| piece.map(Frame::data))),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, ResponseBody::Complete(None))
            || matches!(self, ResponseBody::Complete(Some(bytes)) if bytes.is_empty())
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            ResponseBody::Complete(Some(bytes)) => SizeHint::with_exact(bytes.len() as u64),
            ResponseBody::Complete(None) => SizeHint::with_exact(0),
            ResponseBody::Streamed(_) => SizeHint::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oversized_body(length: u64) -> Vec<u8> {
        (0..length)
            .map(|position| oversized_byte(position, length))
            .collect()
    }

    #[test]
    fn oversized_bodies_are_json_of_the_exact_length() {
        for length in [14, 15, 100, 70_000] {
            let body = oversized_body(length);
            assert_eq!(body.len() as u64, length);
            let parsed: serde_json::Value = serde_json::from_slice(&body).expect("valid JSON");
            assert!(parsed["padding"].is_string());
        }
        assert_eq!(oversized_body(5), br#"{"pad"#);
    }
}
