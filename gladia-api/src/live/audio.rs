//! The audio a live session has sent and the server has not acknowledged yet: what a reconnection
//! sends again, and what bounds the session's memory.

use std::collections::VecDeque;

use bytes::Bytes;

/// Sent audio, from the first byte not acknowledged to the last byte sent.
#[derive(Debug, Default)]
pub(crate) struct Unacknowledged {
    /// Offset, counted from the session's first byte, of the first byte of `chunks`.
    start: u64,
    chunks: VecDeque<Bytes>,
    len: u64,
}

impl Unacknowledged {
    /// Keeps a chunk that has just been sent.
    pub(crate) fn push(&mut self, chunk: Bytes) {
        self.len += chunk.len() as u64;
        self.chunks.push_back(chunk);
    }

    /// The server has every byte up to `last`, included: forgets them. Returns how many bytes
    /// it forgot. An acknowledgment of bytes already forgotten, or not sent yet, changes nothing
    /// beyond what was sent.
    pub(crate) fn acknowledge(&mut self, last: u64) -> u64 {
        let end = self.start + self.len;
        let through = last.saturating_add(1).min(end);
        let mut released = 0;
        while self.start < through {
            let Some(front) = self.chunks.front_mut() else {
                break;
            };
            let take = (through - self.start).min(front.len() as u64);
            if take == front.len() as u64 {
                self.chunks.pop_front();
            } else {
                *front = front.slice(take as usize..);
            }
            self.start += take;
            self.len -= take;
            released += take;
        }
        released
    }

    /// The chunks to send again after a reconnection, in order.
    pub(crate) fn chunks(&self) -> impl Iterator<Item = &Bytes> {
        self.chunks.iter()
    }

    /// Bytes kept.
    pub(crate) fn len(&self) -> u64 {
        self.len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buffer(chunks: &[&'static [u8]]) -> Unacknowledged {
        let mut buffer = Unacknowledged::default();
        for chunk in chunks {
            buffer.push(Bytes::from_static(chunk));
        }
        buffer
    }

    fn kept(buffer: &Unacknowledged) -> Vec<u8> {
        buffer.chunks().flat_map(|c| c.iter().copied()).collect()
    }

    #[test]
    fn acknowledgments_forget_whole_and_partial_chunks() {
        let mut buffer = buffer(&[b"abcd", b"efgh", b"ij"]);
        assert_eq!(buffer.acknowledge(5), 6);
        assert_eq!(kept(&buffer), b"ghij");
        // Already forgotten: nothing more.
        assert_eq!(buffer.acknowledge(3), 0);
        assert_eq!(buffer.acknowledge(7), 2);
        assert_eq!(kept(&buffer), b"ij");
        // Past what was sent: only what was sent.
        assert_eq!(buffer.acknowledge(1_000), 2);
        assert_eq!(buffer.len(), 0);
        buffer.push(Bytes::from_static(b"kl"));
        assert_eq!(buffer.acknowledge(10), 1);
        assert_eq!(kept(&buffer), b"l");
    }
}
