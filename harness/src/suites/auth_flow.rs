//! The register/login suite, and the concurrent-registration check.

use std::collections::{BTreeMap, HashMap};

use proptest::prelude::*;

use super::{answer, ok, one_of};
use crate::adapters::auth_flow::{AuthFlow, AuthFlowConfig, LoginError, RegisterError};
use crate::{Env, Error, Suite};

#[derive(Clone, Debug)]
pub enum Op {
    Register {
        username: String,
        email: String,
        password: String,
    },
    Login {
        email: String,
        password: String,
    },
    /// Validate the i-th session logged in so far (modulo how many there are).
    Validate(usize),
    Logout(usize),
}

pub struct AuthFlowSuite;

/// How long sessions last in the suite: an hour, so clock steps cross it.
const SESSION_SECONDS: i64 = 3600;

#[derive(Default)]
pub struct Model {
    /// email → (username, password)
    users: BTreeMap<String, (String, String)>,
    /// (username, expires, still in the table)
    sessions: Vec<(String, i64, bool)>,
}

pub struct Sut {
    flow: AuthFlow,
    tokens: Vec<String>,
    usernames: HashMap<String, String>,
}

impl Suite for AuthFlowSuite {
    const NAME: &'static str = "register/login flow";
    const TABLE: &'static str = "users";
    type Op = Op;
    type Model = Model;
    type Sut = Sut;

    fn op(_clock: bool) -> BoxedStrategy<Op> {
        let email = one_of(&["ada@example.com", "bob@example.com", "cy@example.com"]);
        let password = one_of(&["correct horse", "hunter2"]);
        prop_oneof![
            3 => (one_of(&["ada", "bob", "cy"]), email.clone(), password.clone())
                .prop_map(|(username, email, password)| Op::Register { username, email, password }),
            3 => (email, password).prop_map(|(email, password)| Op::Login { email, password }),
            3 => (0usize..8).prop_map(Op::Validate),
            1 => (0usize..8).prop_map(Op::Logout),
        ]
        .boxed()
    }

    async fn create_table(env: &Env, table: &str) -> Result<(), Error> {
        Self::setup(env, table).flow.create_table(&env.waiter()).await
    }

    fn setup(env: &Env, table: &str) -> Sut {
        let mut config = AuthFlowConfig::new(table).cheap_hashing();
        config.session_seconds = SESSION_SECONDS;
        Sut {
            flow: AuthFlow::new(env.client().clone(), config, env.clock()),
            tokens: vec![],
            usernames: HashMap::new(),
        }
    }

    async fn run(_env: &Env, sut: &mut Sut, op: &Op) -> String {
        match op {
            Op::Register {
                username,
                email,
                password,
            } => match sut.flow.register(username, email, password).await {
                Ok(id) => {
                    sut.usernames.insert(id, username.clone());
                    ok("registered")
                }
                Err(e) => format!("Err({e:?})"),
            },
            Op::Login { email, password } => match sut.flow.login(email, password).await {
                Ok(session) => {
                    sut.tokens.push(session.token);
                    ok((session.username, session.expires))
                }
                Err(e) => format!("Err({e:?})"),
            },
            Op::Validate(i) => match pick(&sut.tokens, *i) {
                None => ok("no sessions yet"),
                Some(t) => answer(
                    sut.flow
                        .validate(t)
                        .await
                        .map(|id| id.map(|id| sut.usernames.get(&id).cloned().unwrap_or(id))),
                ),
            },
            Op::Logout(i) => match pick(&sut.tokens, *i) {
                None => ok("no sessions yet"),
                Some(t) => answer(sut.flow.logout(t).await),
            },
        }
    }

    fn model(m: &mut Model, now: i64, op: &Op) -> String {
        match op {
            Op::Register {
                username,
                email,
                password,
            } => {
                if m.users.contains_key(email) {
                    format!("Err({:?})", RegisterError::EmailTaken)
                } else if m.users.values().any(|(u, _)| u == username) {
                    format!("Err({:?})", RegisterError::UsernameTaken)
                } else {
                    m.users.insert(email.clone(), (username.clone(), password.clone()));
                    ok("registered")
                }
            }
            Op::Login { email, password } => match m.users.get(email) {
                Some((username, p)) if p == password => {
                    let expires = now + SESSION_SECONDS;
                    m.sessions.push((username.clone(), expires, true));
                    ok((username.clone(), expires))
                }
                _ => format!("Err({:?})", LoginError::InvalidCredentials),
            },
            Op::Validate(i) => match pick(&m.sessions, *i) {
                None => ok("no sessions yet"),
                Some((username, expires, present)) => ok((*present && now < *expires).then(|| username.clone())),
            },
            Op::Logout(i) => {
                let n = m.sessions.len();
                if n == 0 {
                    return ok("no sessions yet");
                }
                m.sessions[i % n].2 = false;
                ok(())
            }
        }
    }

    fn sweep(m: &mut Model, now: i64) -> usize {
        let mut swept = 0;
        for s in m.sessions.iter_mut().filter(|s| s.2 && s.1 < now) {
            s.2 = false;
            swept += 1;
        }
        swept
    }
}

fn pick<T>(list: &[T], i: usize) -> Option<&T> {
    (!list.is_empty()).then(|| &list[i % list.len()])
}

/// `contenders` tasks register the same email at once, each with its own username. Exactly one
/// must succeed; every other must be told the email is taken; one user item must hold the email.
/// Needs a multi-threaded runtime to race for real.
pub async fn concurrent_registrations(env: &Env, contenders: usize) -> Result<(), String> {
    let table = env.table_name("race");
    let flow = AuthFlow::new(
        env.client().clone(),
        AuthFlowConfig::new(table.clone()).cheap_hashing(),
        env.clock(),
    );
    flow.create_table(&env.waiter()).await.map_err(|e| e.to_string())?;
    let result = async {
        let tasks: Vec<_> = (0..contenders)
            .map(|i| {
                let flow = flow.clone();
                tokio::spawn(async move {
                    flow.register(&format!("racer{i}"), "race@example.com", "pw").await
                })
            })
            .collect();
        let mut outcomes = Vec::new();
        for t in tasks {
            outcomes.push(t.await.map_err(|e| e.to_string())?);
        }
        let winners = outcomes.iter().filter(|o| o.is_ok()).count();
        let taken = outcomes
            .iter()
            .filter(|o| **o == Err(RegisterError::EmailTaken))
            .count();
        let stored = flow
            .users_with_email("race@example.com")
            .await
            .map_err(|e| e.to_string())?;
        if winners != 1 || taken != contenders - 1 || stored != 1 {
            return Err(format!(
                "{contenders} concurrent registrations of one email on {}: {winners} won, {taken} told \"already taken\", {stored} user items hold the email; outcomes: {outcomes:?}",
                env.target()
            ));
        }
        Ok(())
    }
    .await;
    env.delete_table(&table).await.map_err(|e| e.to_string())?;
    result
}
