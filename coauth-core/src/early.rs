//! The early answer: a `result` request that waits for the provider's redirect instead of
//! carrying it.
//!
//! A popup (or silent frame) sign-in ends with two trips to the app's server: the provider
//! sends the window to the result page, and only then can the app's page send the answer to
//! `result`. When the app's page sends a waiting `result` request as the window leaves for
//! the provider (`"wait": true`, the flow but no answer), this server holds it here under
//! the flow's `state`; the result page request that carries that `state` within
//! [`WINDOW`], from the browser and the kind of window that started the flow, hands its
//! parameters over, and the held request finishes the sign-in at once. The result page
//! request is then answered, once the held request has finished, with a redirect to the
//! page without the answer. The answer reaches the app's page one round trip sooner, before
//! the window shows the result page.
//!
//! Nothing here is needed for a sign-in to finish: an answer that reaches another instance,
//! an app's own result page, or this one after the window, is not handed over, and the
//! result page hands it to the app's page, which sends it to `result` as always. The held
//! request then ends with 204 when the room is swept or the app's page gives up. Each
//! answer goes one way only: the hand-over and the window's end are decided under one lock,
//! and a page whose answer was handed over never shows it (SECURITY.md item 47).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use futures_channel::oneshot;

/// How long after a waiting request arrives a result page may hand it the answer: an
/// answer the provider gives without the user's action comes well within it; a user who
/// types a password takes longer and the answer goes the usual way.
pub(crate) const WINDOW: Duration = Duration::from_secs(4);

/// Most requests waiting at once in one process; past it a waiting request ends with 204 at
/// once (the sign-in goes the usual way).
pub(crate) const MAX_WAITING: usize = 10_000;

/// The provider's redirect parameters, handed from the result page to the waiting request.
pub(crate) type Answer = serde_json::Map<String, serde_json::Value>;

/// Held by the waiting request while it finishes the sign-in with the answer it was handed;
/// dropped once it has its own answer, which lets the result page's answer go. The page
/// is answered after the waiting request, so that the app's page hears the outcome (and
/// closes the window) before the window starts showing the page.
pub(crate) type Finishing = oneshot::Sender<()>;

/// What the result page waits for before it is answered: the waiting request's
/// [`Finishing`] dropped.
pub(crate) type Finished = oneshot::Receiver<()>;

/// The requests waiting for their answer, by the flow's `state`.
#[derive(Debug, Default)]
pub(crate) struct Room {
    waiting: Mutex<Waiting>,
}

#[derive(Debug, Default)]
struct Waiting {
    by_state: HashMap<String, Seat>,
    next: u64,
}

#[derive(Debug)]
struct Seat {
    id: u64,
    since: Instant,
    /// The path of the flow's redirect URI: only a result page served there hands over.
    path: String,
    /// What the result page's request must show to hand over.
    guard: Guard,
    answer: oneshot::Sender<(Answer, Finishing)>,
}

/// What a waiting flow asks of the result page request that hands its answer over, besides
/// its `state`: the browser that started the flow (the binding cookie, whose SHA-256 the
/// flow sealed, under the name the flow's origin uses) and the kind of window the flow
/// runs in (a silent flow's frame, or a popup's top-level page), when the browser says.
#[derive(Debug, Clone)]
pub(crate) struct Guard {
    /// The origin that started the flow.
    pub origin: String,
    /// SHA-256 (base64url) of the flow's binding cookie.
    pub binding: String,
    /// A silent flow: its result page loads in a frame.
    pub silent: bool,
}

/// A waiting request's place in the [`Room`]; leaving it (dropped: answered, or the client
/// went away) frees the place.
#[derive(Debug)]
pub(crate) struct Place<'a> {
    room: &'a Room,
    state: String,
    id: u64,
    answer: oneshot::Receiver<(Answer, Finishing)>,
}

impl Room {
    fn lock(&self) -> std::sync::MutexGuard<'_, Waiting> {
        self.waiting.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Seats a request waiting for the answer to the flow with `state`, whose redirect URI
    /// has the path `path`. Requests whose window has passed are sent away first (they end
    /// with 204); an earlier request for the same flow gives its place up. `None` when the
    /// room is full.
    pub(crate) fn wait(&self, state: &str, path: &str, guard: Guard) -> Option<Place<'_>> {
        self.wait_at(state, path, guard, Instant::now())
    }

    fn wait_at(&self, state: &str, path: &str, guard: Guard, now: Instant) -> Option<Place<'_>> {
        let mut waiting = self.lock();
        waiting
            .by_state
            .retain(|_, seat| now.duration_since(seat.since) <= WINDOW);
        waiting.by_state.remove(state);
        if waiting.by_state.len() >= MAX_WAITING {
            return None;
        }
        waiting.next += 1;
        let id = waiting.next;
        let (sender, answer) = oneshot::channel();
        waiting.by_state.insert(
            state.to_owned(),
            Seat {
                id,
                since: now,
                path: path.to_owned(),
                guard,
                answer: sender,
            },
        );
        Some(Place {
            room: self,
            state: state.to_owned(),
            id,
            answer,
        })
    }

    /// Hands `answer` to the request waiting for the flow with `state`, if one waits, within
    /// its window, and the answer arrived on the page the flow's redirect URI names (`path`:
    /// the path the result page was served at; it may lack a prefix the app's router took
    /// off), by a request that passes the flow's [`Guard`] (`passes`). `Some` when a
    /// request took it: the page must then say so, once the request has finished.
    pub(crate) fn hand_over(
        &self,
        state: &str,
        path: &str,
        passes: impl FnOnce(&Guard) -> bool,
        answer: Answer,
    ) -> Option<Finished> {
        self.hand_over_at(state, path, passes, answer, Instant::now())
    }

    fn hand_over_at(
        &self,
        state: &str,
        path: &str,
        passes: impl FnOnce(&Guard) -> bool,
        answer: Answer,
        now: Instant,
    ) -> Option<Finished> {
        let mut waiting = self.lock();
        let fits = waiting.by_state.get(state).is_some_and(|seat| {
            now.duration_since(seat.since) <= WINDOW
                && seat.path.ends_with(path)
                && !path.is_empty()
                && passes(&seat.guard)
        });
        if !fits {
            return None;
        }
        let seat = waiting.by_state.remove(state)?;
        let (finishing, finished) = oneshot::channel();
        seat.answer.send((answer, finishing)).ok()?;
        Some(finished)
    }

    /// How many requests wait now.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().by_state.len()
    }
}

impl Place<'_> {
    /// The answer, or `None` when the place was given up (the window passed and the room
    /// was swept, or a later request for the same flow took it).
    pub(crate) async fn answer(&mut self) -> Option<(Answer, Finishing)> {
        (&mut self.answer).await.ok()
    }
}

impl Drop for Place<'_> {
    fn drop(&mut self) {
        let mut waiting = self.room.lock();
        if waiting
            .by_state
            .get(&self.state)
            .is_some_and(|seat| seat.id == self.id)
        {
            waiting.by_state.remove(&self.state);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard() -> Guard {
        Guard {
            origin: "https://app.example".into(),
            binding: "hash".into(),
            silent: false,
        }
    }

    fn answer(code: &str) -> Answer {
        let mut answer = Answer::new();
        answer.insert("code".into(), code.into());
        answer
    }

    #[tokio::test]
    async fn an_answer_goes_to_the_request_waiting_for_its_state_on_its_page() {
        let room = Room::default();
        let mut place = room.wait("s1", "/coauth/result_page", guard()).unwrap();
        assert!(
            room.hand_over("other", "/result_page", |_| true, answer("c"))
                .is_none()
        );
        // Another page than the flow's redirect URI names.
        assert!(
            room.hand_over("s1", "/result_page_github", |_| true, answer("c"))
                .is_none()
        );
        assert!(room.hand_over("s1", "", |_| true, answer("c")).is_none());
        let mut finished = room
            .hand_over("s1", "/result_page", |_| true, answer("c"))
            .unwrap();
        let (answer_taken, finishing) = place.answer().await.unwrap();
        assert_eq!(answer_taken["code"], "c");
        // The page waits until the request has finished.
        assert_eq!(finished.try_recv(), Ok(None));
        drop(finishing);
        assert!(finished.await.is_err());
        // Handed over once; and only to a request its guard lets pass.
        let again = room.wait("s2", "/result_page", guard()).unwrap();
        assert!(
            room.hand_over("s2", "/result_page", |guard| guard.silent, answer("c"))
                .is_none()
        );
        assert!(
            room.hand_over("s1", "/result_page", |_| true, answer("c"))
                .is_none()
        );
        drop(place);
        drop(again);
        assert_eq!(room.len(), 0);
    }

    #[tokio::test]
    async fn a_request_that_leaves_frees_its_place_and_takes_no_answer() {
        let room = Room::default();
        let place = room.wait("s1", "/result_page", guard()).unwrap();
        assert_eq!(room.len(), 1);
        drop(place);
        assert_eq!(room.len(), 0);
        assert!(
            room.hand_over("s1", "/result_page", |_| true, answer("c"))
                .is_none()
        );
    }

    #[tokio::test]
    async fn a_second_request_for_the_same_flow_takes_the_place_of_the_first() {
        let room = Room::default();
        let mut first = room.wait("s1", "/result_page", guard()).unwrap();
        let mut second = room.wait("s1", "/result_page", guard()).unwrap();
        assert!(first.answer().await.is_none());
        // The first leaving does not free the second's place.
        drop(first);
        assert!(
            room.hand_over("s1", "/result_page", |_| true, answer("c"))
                .is_some()
        );
        assert_eq!(second.answer().await.unwrap().0["code"], "c");
    }

    #[tokio::test]
    async fn past_its_window_a_request_takes_no_answer_and_the_next_one_sends_it_away() {
        let room = Room::default();
        let start = Instant::now();
        let mut late = room.wait_at("s1", "/result_page", guard(), start).unwrap();
        let after = start + WINDOW + Duration::from_millis(1);
        assert!(
            room.hand_over_at("s1", "/result_page", |_| true, answer("c"), after)
                .is_none()
        );
        let _next = room.wait_at("s2", "/result_page", guard(), after).unwrap();
        assert!(late.answer().await.is_none());
        assert_eq!(room.len(), 1);
        // Within the window it would have.
        let mut on_time = room.wait_at("s3", "/result_page", guard(), start).unwrap();
        assert!(
            room.hand_over_at("s3", "/result_page", |_| true, answer("c"), start + WINDOW)
                .is_some()
        );
        assert!(on_time.answer().await.is_some());
    }

    #[tokio::test]
    async fn a_full_room_seats_nobody_more() {
        let room = Room::default();
        let places: Vec<_> = (0..MAX_WAITING)
            .map(|i| {
                room.wait(&format!("s{i}"), "/result_page", guard())
                    .unwrap()
            })
            .collect();
        assert!(room.wait("one-more", "/result_page", guard()).is_none());
        drop(places);
        assert!(room.wait("one-more", "/result_page", guard()).is_some());
    }
}
