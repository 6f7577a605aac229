//! The shop application audit (rule 4 of the design): draft → submitted → approved |
//! rejected → (resubmitted) → …
//!
//! The applicant edits and submits; a reviewer approves or rejects with a reason, never on
//! their own application. Approved is final. Who may act is decided here from plain ids and a
//! role; checking that the caller really holds that role is the caller's job.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::UserId;

/// Where a shop application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum ApplicationState {
    /// Being written by the applicant; not yet seen by a reviewer.
    Draft,
    /// Waiting in the reviewers' inbox.
    Submitted,
    /// Accepted: the shop opens. Final.
    Approved,
    /// Sent back with a reason; the applicant can edit and resubmit.
    Rejected,
}

impl ApplicationState {
    /// Whether no action can move the application any further.
    pub const fn is_terminal(self) -> bool {
        matches!(self, Self::Approved)
    }

    /// Whether the applicant may change the application's contents.
    pub const fn allows_edit(self) -> bool {
        matches!(self, Self::Draft | Self::Rejected)
    }
}

impl fmt::Display for ApplicationState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        })
    }
}

/// Something done to an application.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum AuditAction {
    /// The applicant sends it for review (again, after a rejection).
    Submit,
    /// A reviewer accepts it.
    Approve,
    /// A reviewer sends it back, saying what to fix.
    Reject {
        /// What the applicant should fix; must not be blank.
        reason: String,
    },
    /// The applicant changes its contents.
    Edit,
}

impl AuditAction {
    /// The action without its data.
    pub const fn kind(&self) -> ActionKind {
        match self {
            Self::Submit => ActionKind::Submit,
            Self::Approve => ActionKind::Approve,
            Self::Reject { .. } => ActionKind::Reject,
            Self::Edit => ActionKind::Edit,
        }
    }
}

/// An [`AuditAction`] without its data, for records and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum ActionKind {
    /// See [`AuditAction::Submit`].
    Submit,
    /// See [`AuditAction::Approve`].
    Approve,
    /// See [`AuditAction::Reject`].
    Reject,
    /// See [`AuditAction::Edit`].
    Edit,
}

impl fmt::Display for ActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Submit => "submit",
            Self::Approve => "approve",
            Self::Reject => "reject",
            Self::Edit => "edit",
        })
    }
}

/// The capacity in which someone acts on an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Role {
    /// The person applying to open a shop.
    Applicant,
    /// Platform staff granted the reviewer role.
    Reviewer,
}

/// Who is acting, and in which role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor<'a> {
    /// The acting user.
    pub id: &'a UserId,
    /// The capacity they act in.
    pub role: Role,
}

/// A step the application took, as it should be recorded.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Transition {
    /// The state before.
    pub from: ApplicationState,
    /// The state after.
    pub to: ApplicationState,
    /// What was done.
    pub action: ActionKind,
    /// The rejection reason, trimmed; `None` for every other action.
    pub reason: Option<String>,
}

/// Why an action on an application was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AuditError {
    /// The action makes no sense in the application's current state.
    #[error("cannot {action} an application that is {state}")]
    NotAllowed {
        /// The current state.
        state: ApplicationState,
        /// The refused action.
        action: ActionKind,
    },
    /// Someone other than the applicant, or someone acting as reviewer, tried to submit or edit.
    #[error("only the applicant can {action} their application")]
    NotApplicant {
        /// The refused action.
        action: ActionKind,
    },
    /// Someone without the reviewer role tried to approve or reject.
    #[error("only a reviewer can {action} an application")]
    NotReviewer {
        /// The refused action.
        action: ActionKind,
    },
    /// A reviewer tried to approve or reject their own application.
    #[error("a reviewer cannot {action} their own application; another reviewer must")]
    SelfReview {
        /// The refused action.
        action: ActionKind,
    },
    /// A rejection without a reason.
    #[error("a rejection needs a reason that tells the applicant what to fix")]
    BlankReason,
}

/// Applies `action`, taken by `actor`, to an application by `applicant` that is in `state`.
///
/// Submit goes from draft or rejected (a resubmission) to submitted; edit keeps a draft or
/// rejected application where it is; approve and reject go from submitted only. The applicant
/// submits and edits; a reviewer who is not the applicant approves and rejects.
pub fn transition(
    state: ApplicationState,
    action: AuditAction,
    actor: Actor<'_>,
    applicant: &UserId,
) -> Result<Transition, AuditError> {
    let kind = action.kind();
    let is_applicant = actor.id == applicant;
    match kind {
        ActionKind::Submit | ActionKind::Edit => {
            if actor.role != Role::Applicant || !is_applicant {
                return Err(AuditError::NotApplicant { action: kind });
            }
        }
        ActionKind::Approve | ActionKind::Reject => {
            // Checked before the role, so no combination of role and state lets it through.
            if is_applicant {
                return Err(AuditError::SelfReview { action: kind });
            }
            if actor.role != Role::Reviewer {
                return Err(AuditError::NotReviewer { action: kind });
            }
        }
    }
    let to = match (state, kind) {
        (ApplicationState::Draft | ApplicationState::Rejected, ActionKind::Submit) => {
            ApplicationState::Submitted
        }
        (ApplicationState::Draft | ApplicationState::Rejected, ActionKind::Edit) => state,
        (ApplicationState::Submitted, ActionKind::Approve) => ApplicationState::Approved,
        (ApplicationState::Submitted, ActionKind::Reject) => ApplicationState::Rejected,
        _ => {
            return Err(AuditError::NotAllowed {
                state,
                action: kind,
            });
        }
    };
    let reason = match action {
        AuditAction::Reject { reason } => {
            let reason = reason.trim();
            if reason.is_empty() {
                return Err(AuditError::BlankReason);
            }
            Some(reason.to_owned())
        }
        AuditAction::Submit | AuditAction::Approve | AuditAction::Edit => None,
    };
    Ok(Transition {
        from: state,
        to,
        action: kind,
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ApplicationState::{Approved, Draft, Rejected, Submitted};
    use proptest::prelude::*;

    fn user(id: &str) -> UserId {
        UserId::new(id).unwrap()
    }

    fn reject(reason: &str) -> AuditAction {
        AuditAction::Reject {
            reason: reason.to_owned(),
        }
    }

    const STATES: [ApplicationState; 4] = [Draft, Submitted, Approved, Rejected];

    #[test]
    fn the_happy_path_and_a_resubmission() {
        let alice = user("alice");
        let rita = user("rita");
        let applicant = Actor {
            id: &alice,
            role: Role::Applicant,
        };
        let reviewer = Actor {
            id: &rita,
            role: Role::Reviewer,
        };

        let edited = transition(Draft, AuditAction::Edit, applicant, &alice).unwrap();
        assert_eq!((edited.from, edited.to), (Draft, Draft));
        let submitted = transition(Draft, AuditAction::Submit, applicant, &alice).unwrap();
        assert_eq!(submitted.to, Submitted);
        let rejected =
            transition(Submitted, reject("  sample is a cover  "), reviewer, &alice).unwrap();
        assert_eq!(
            rejected,
            Transition {
                from: Submitted,
                to: Rejected,
                action: ActionKind::Reject,
                reason: Some("sample is a cover".to_owned()),
            }
        );
        assert_eq!(
            transition(Rejected, AuditAction::Edit, applicant, &alice)
                .unwrap()
                .to,
            Rejected
        );
        let resubmitted = transition(Rejected, AuditAction::Submit, applicant, &alice).unwrap();
        assert_eq!((resubmitted.from, resubmitted.to), (Rejected, Submitted));
        let approved = transition(Submitted, AuditAction::Approve, reviewer, &alice).unwrap();
        assert_eq!(
            approved,
            Transition {
                from: Submitted,
                to: Approved,
                action: ActionKind::Approve,
                reason: None,
            }
        );
    }

    /// Every state and action for a legitimate actor, against the table in the design.
    #[test]
    fn the_transition_table() {
        let alice = user("alice");
        let rita = user("rita");
        for state in STATES {
            for action in [
                AuditAction::Submit,
                AuditAction::Edit,
                AuditAction::Approve,
                reject("no rights declaration"),
            ] {
                let actor = match action.kind() {
                    ActionKind::Submit | ActionKind::Edit => Actor {
                        id: &alice,
                        role: Role::Applicant,
                    },
                    ActionKind::Approve | ActionKind::Reject => Actor {
                        id: &rita,
                        role: Role::Reviewer,
                    },
                };
                let kind = action.kind();
                let expected = match (state, kind) {
                    (Draft | Rejected, ActionKind::Submit) => Some(Submitted),
                    (Draft, ActionKind::Edit) => Some(Draft),
                    (Rejected, ActionKind::Edit) | (Submitted, ActionKind::Reject) => {
                        Some(Rejected)
                    }
                    (Submitted, ActionKind::Approve) => Some(Approved),
                    _ => None,
                };
                let result = transition(state, action, actor, &alice);
                match expected {
                    Some(to) => assert_eq!(result.map(|t| t.to), Ok(to), "{state} {kind}"),
                    None => assert_eq!(
                        result,
                        Err(AuditError::NotAllowed {
                            state,
                            action: kind
                        })
                    ),
                }
            }
        }
    }

    #[test]
    fn a_rejection_needs_a_reason() {
        let alice = user("alice");
        let rita = user("rita");
        let reviewer = Actor {
            id: &rita,
            role: Role::Reviewer,
        };
        for blank in ["", "   ", "\n\t"] {
            assert_eq!(
                transition(Submitted, reject(blank), reviewer, &alice),
                Err(AuditError::BlankReason)
            );
        }
    }

    #[test]
    fn only_the_applicant_submits_and_edits() {
        let alice = user("alice");
        let mallory = user("mallory");
        let stranger = Actor {
            id: &mallory,
            role: Role::Applicant,
        };
        assert_eq!(
            transition(Draft, AuditAction::Submit, stranger, &alice),
            Err(AuditError::NotApplicant {
                action: ActionKind::Submit
            })
        );
        let as_reviewer = Actor {
            id: &alice,
            role: Role::Reviewer,
        };
        assert_eq!(
            transition(Draft, AuditAction::Edit, as_reviewer, &alice),
            Err(AuditError::NotApplicant {
                action: ActionKind::Edit
            })
        );
    }

    #[test]
    fn only_reviewers_approve_and_reject() {
        let alice = user("alice");
        let mallory = user("mallory");
        let not_a_reviewer = Actor {
            id: &mallory,
            role: Role::Applicant,
        };
        let err = transition(Submitted, AuditAction::Approve, not_a_reviewer, &alice).unwrap_err();
        assert_eq!(
            err,
            AuditError::NotReviewer {
                action: ActionKind::Approve
            }
        );
        assert_eq!(
            err.to_string(),
            "only a reviewer can approve an application"
        );
    }

    #[test]
    fn a_reviewer_cannot_judge_their_own_application() {
        let rita = user("rita");
        let own = Actor {
            id: &rita,
            role: Role::Reviewer,
        };
        let err = transition(Submitted, AuditAction::Approve, own, &rita).unwrap_err();
        assert_eq!(
            err,
            AuditError::SelfReview {
                action: ActionKind::Approve
            }
        );
        assert_eq!(
            err.to_string(),
            "a reviewer cannot approve their own application; another reviewer must"
        );
    }

    #[test]
    fn messages_name_the_state_and_action() {
        assert_eq!(
            AuditError::NotAllowed {
                state: Approved,
                action: ActionKind::Edit
            }
            .to_string(),
            "cannot edit an application that is approved"
        );
    }

    #[test]
    fn wire_shapes() {
        assert_eq!(serde_json::to_string(&Submitted).unwrap(), r#""submitted""#);
        assert_eq!(
            serde_json::to_string(&reject("cover")).unwrap(),
            r#"{"action":"reject","reason":"cover"}"#
        );
        assert_eq!(
            serde_json::from_str::<AuditAction>(r#"{"action":"submit"}"#).unwrap(),
            AuditAction::Submit
        );
    }

    fn any_state() -> impl Strategy<Value = ApplicationState> {
        proptest::sample::select(STATES.to_vec())
    }

    fn any_action() -> impl Strategy<Value = AuditAction> {
        prop_oneof![
            Just(AuditAction::Submit),
            Just(AuditAction::Approve),
            Just(AuditAction::Edit),
            "[ a-z]{0,6}".prop_map(|reason| AuditAction::Reject { reason }),
        ]
    }

    fn any_role() -> impl Strategy<Value = Role> {
        prop_oneof![Just(Role::Applicant), Just(Role::Reviewer)]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// Random people doing random things: approval only ever follows submission, and
        /// nothing moves an approved application.
        #[test]
        fn approval_only_follows_submission_and_is_final(
            steps in proptest::collection::vec(
                (any_action(), any::<bool>(), any_role()),
                0..40,
            ),
        ) {
            let alice = user("alice");
            let rita = user("rita");
            let mut state = Draft;
            for (action, by_applicant, role) in steps {
                let id = if by_applicant { &alice } else { &rita };
                let result = transition(state, action, Actor { id, role }, &alice);
                if state == Approved {
                    prop_assert!(result.is_err());
                }
                if let Ok(step) = result {
                    prop_assert_eq!(step.from, state);
                    if step.to == Approved {
                        prop_assert_eq!(step.from, Submitted);
                    }
                    state = step.to;
                }
            }
        }

        #[test]
        fn approved_is_terminal(action in any_action(), by_applicant in any::<bool>(), role in any_role()) {
            let alice = user("alice");
            let rita = user("rita");
            let id = if by_applicant { &alice } else { &rita };
            let result = transition(Approved, action, Actor { id, role }, &alice);
            prop_assert!(result.is_err());
        }

        #[test]
        fn self_review_is_always_refused(
            state in any_state(),
            approve in any::<bool>(),
            reason in "[ a-z]{0,6}",
            role in any_role(),
        ) {
            let rita = user("rita");
            let action = if approve { AuditAction::Approve } else { AuditAction::Reject { reason } };
            let kind = action.kind();
            prop_assert_eq!(
                transition(state, action, Actor { id: &rita, role }, &rita),
                Err(AuditError::SelfReview { action: kind })
            );
        }

        #[test]
        fn each_side_moves_only_its_own_way(
            state in any_state(),
            action in any_action(),
            by_applicant in any::<bool>(),
            role in any_role(),
        ) {
            let alice = user("alice");
            let rita = user("rita");
            let id = if by_applicant { &alice } else { &rita };
            if let Ok(step) = transition(state, action, Actor { id, role }, &alice) {
                match step.to {
                    Submitted | Draft => prop_assert!(by_applicant && role == Role::Applicant),
                    Approved => prop_assert!(!by_applicant && role == Role::Reviewer),
                    Rejected => prop_assert!(
                        (by_applicant && role == Role::Applicant && step.action == ActionKind::Edit)
                            || (!by_applicant && role == Role::Reviewer && step.reason.is_some())
                    ),
                }
            }
        }
    }
}
