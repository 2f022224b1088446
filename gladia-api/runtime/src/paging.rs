//! Walking every page of a list: fetch a page, hand out its items, follow its `next` link.

use std::collections::VecDeque;

use futures_util::stream;
use serde::de::DeserializeOwned;

use crate::request::Request;
use crate::wire::UnreadableItem;
use crate::{Client, Error};

/// A list answer: its items and the link to the next page. Generated for every list type.
pub trait Page: DeserializeOwned {
    type Item;
    fn into_parts(self) -> (Vec<Result<Self::Item, UnreadableItem>>, Option<String>);
}

enum Next {
    Page(Box<Request>),
    Failed(Error),
    Done,
}

/// Every item of every page, fetching the next page when the current one is used up. An item
/// that does not decode is an [`Error::UnreadableItem`] in its place, and the items after it
/// follow; an error of a whole page ends the stream.
pub fn items<P>(
    client: &Client,
    first: Result<Request, Error>,
) -> impl futures_core::Stream<Item = Result<P::Item, Error>> + Send + Unpin + 'static
where
    P: Page + Send + 'static,
    P::Item: Send + 'static,
{
    let next = first.map_or_else(Next::Failed, |r| Next::Page(Box::new(r)));
    // Boxed so that callers can poll it without pinning it themselves.
    Box::pin(stream::unfold(
        (
            client.clone(),
            next,
            VecDeque::<Result<P::Item, UnreadableItem>>::new(),
        ),
        |(client, mut next, mut buffer)| async move {
            loop {
                if let Some(item) = buffer.pop_front() {
                    return Some((item.map_err(Error::from), (client, next, buffer)));
                }
                match next {
                    Next::Done => return None,
                    Next::Failed(error) => return Some((Err(error), (client, Next::Done, buffer))),
                    Next::Page(request) => {
                        let page = match client.send(&request).await {
                            Ok(reply) => reply.json::<P>().await,
                            Err(error) => Err(error),
                        };
                        let (items, link) = match page {
                            Ok(page) => page.into_parts(),
                            Err(error) => return Some((Err(error), (client, Next::Done, buffer))),
                        };
                        // An empty page that still links further would loop forever.
                        next = match link.filter(|_| !items.is_empty()) {
                            Some(link) => request
                                .follow(&link, client.base_url())
                                .map_or_else(Next::Failed, |r| Next::Page(Box::new(r))),
                            None => Next::Done,
                        };
                        buffer.extend(items);
                    }
                }
            }
        },
    ))
}
