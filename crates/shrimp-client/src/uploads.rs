//! A local file as a streamed upload body that reports how many bytes have gone out.

use futures_util::stream;
use tokio::io::AsyncReadExt;

/// How much is read and sent at a time.
const CHUNK: usize = 64 * 1024;

/// Streams `file` as a request body, calling `on_sent` with the bytes sent so far after each
/// chunk (for a progress bar); the file is never held in memory whole.
pub fn file_body(
    file: tokio::fs::File,
    on_sent: impl Fn(u64) + Send + Sync + 'static,
) -> reqwest::Body {
    let chunks = stream::unfold(Some((file, 0u64, on_sent)), |state| async move {
        let (mut file, sent, on_sent) = state?;
        let mut buffer = vec![0u8; CHUNK];
        match file.read(&mut buffer).await {
            Ok(0) => None,
            Ok(read) => {
                buffer.truncate(read);
                let sent = sent + read as u64;
                on_sent(sent);
                Some((
                    Ok::<_, std::io::Error>(bytes::Bytes::from(buffer)),
                    Some((file, sent, on_sent)),
                ))
            }
            Err(error) => Some((Err(error), None)),
        }
    });
    reqwest::Body::wrap_stream(chunks)
}
