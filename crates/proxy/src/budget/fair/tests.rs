//! The scheduler's rules, tested directly (no clocks of its own, no I/O).

use super::*;

fn grants(f: &mut Fair<u32>, now: Instant) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    while let Next::Grant(c, _, w) = f.next(now) {
        out.push((c, w));
    }
    out
}

#[test]
fn a_flooding_customer_gets_its_share_only() {
    let now = Instant::now();
    let mut f = Fair::new(4, 2, 100, None);
    for i in 0..20 {
        f.enqueue(now, "flood", Class::Normal, i, i as u32).unwrap();
    }
    f.enqueue(now, "other", Class::Normal, 100, 100).unwrap();
    f.enqueue(now, "third", Class::Normal, 101, 101).unwrap();
    let g = grants(&mut f, now);
    // Turns: one each; the fourth slot is kept for commits.
    let who: Vec<&str> = g.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(who, ["flood", "other", "third"]);
    // A commit arriving later takes the kept slot at once.
    f.enqueue(now, "other", Class::Commit, 102, 102).unwrap();
    assert!(matches!(f.next(now), Next::Grant(c, Class::Commit, 102) if c == "other"));
    assert!(matches!(f.next(now), Next::Idle));
    // Freed slots go to the flooder up to its cap of two.
    f.release("other", Class::Normal, true);
    f.release("third", Class::Normal, true);
    f.release("other", Class::Commit, true);
    let g = grants(&mut f, now);
    assert_eq!(g.len(), 1, "{g:?}");
    assert!(matches!(f.next(now), Next::Idle));
}

#[test]
fn the_window_caps_grants_per_second() {
    let now = Instant::now();
    let mut f = Fair::new(4, 4, 100, Some(3));
    for i in 0..10 {
        f.enqueue(now, &format!("c{i}"), Class::Normal, i, i as u32)
            .unwrap();
    }
    let gap = WINDOW / 3;
    let mut at = now;
    let mut n = 0;
    for _ in 0..10 {
        match f.next(at) {
            Next::Grant(c, class, _) => {
                n += 1;
                f.release(&c, class, true);
            }
            // Spaced by a third of a second, then the window is full.
            Next::WaitUntil(t) if n < 3 => {
                assert_eq!(t, at + gap);
                at = t;
            }
            Next::WaitUntil(t) => {
                assert_eq!(t, now + WINDOW);
                break;
            }
            Next::Idle => panic!("idle with waiters"),
        }
    }
    assert_eq!(n, 3);
    assert_eq!(grants(&mut f, now + WINDOW).len(), 1);
    // An unused grant gives its place back.
    f.release("c3", Class::Normal, false);
    assert_eq!(grants(&mut f, now + WINDOW).len(), 1);
}

#[test]
fn a_block_refuses_and_drains() {
    let now = Instant::now();
    let mut f = Fair::new(1, 1, 2, None);
    f.enqueue(now, "a", Class::Normal, 1, 1).unwrap();
    f.enqueue(now, "a", Class::Normal, 2, 2).unwrap();
    assert_eq!(
        f.enqueue(now, "a", Class::Normal, 3, 3),
        Err(Refusal::QueueFull)
    );
    assert_eq!(f.cancel("a", Class::Normal, 2), Some(2));
    let until = now + Duration::from_secs(2);
    assert_eq!(f.block(until), vec![1]);
    assert_eq!(
        f.enqueue(now, "b", Class::Commit, 4, 4),
        Err(Refusal::Blocked(until))
    );
    assert!(matches!(f.next(now), Next::Idle));
    f.enqueue(until, "b", Class::Commit, 5, 5).unwrap();
    assert!(matches!(f.next(until), Next::Grant(_, _, 5)));
}

#[test]
fn a_customer_s_commits_hold_one_slot_and_normal_keeps_a_share() {
    let now = Instant::now();
    let mut f = Fair::new(4, 2, 100, None);
    // One customer replaying commits, two stuck commits of another being read.
    for i in 0..6 {
        f.enqueue(now, "replayer", Class::Commit, i, i as u32)
            .unwrap();
    }
    f.enqueue(now, "stuck", Class::Commit, 10, 10).unwrap();
    f.enqueue(now, "stuck", Class::Commit, 11, 11).unwrap();
    f.enqueue(now, "shopper", Class::Normal, 20, 20).unwrap();
    let g = grants(&mut f, now);
    let who: Vec<&str> = g.iter().map(|(c, _)| c.as_str()).collect();
    // One commit-class slot per customer; the shopper's preview gets a slot too.
    assert_eq!(who, ["replayer", "stuck", "shopper"], "{g:?}");
    // Commit-class requests of a third customer take at most all slots but one.
    f.release("shopper", Class::Normal, true);
    f.enqueue(now, "third", Class::Commit, 30, 30).unwrap();
    f.enqueue(now, "shopper", Class::Normal, 21, 21).unwrap();
    let g = grants(&mut f, now);
    let who: Vec<&str> = g.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(who, ["third", "shopper"], "{g:?}");
}

#[test]
fn normal_requests_get_a_turn_after_a_streak_of_commits() {
    let now = Instant::now();
    let mut f = Fair::new(4, 2, 100, None);
    for i in 0..12 {
        f.enqueue(now, &format!("c{i}"), Class::Commit, i, i as u32)
            .unwrap();
    }
    f.enqueue(now, "shopper", Class::Normal, 99, 99).unwrap();
    let mut order = Vec::new();
    for _ in 0..5 {
        let Next::Grant(c, class, _) = f.next(now) else {
            panic!("a slot is free");
        };
        order.push(class);
        f.release(&c, class, true);
    }
    assert_eq!(
        order,
        [
            Class::Commit,
            Class::Commit,
            Class::Commit,
            Class::Normal,
            Class::Commit
        ]
    );
}
