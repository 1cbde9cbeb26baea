//! The seeded organisation as GoTo's APIs show it: one JSON builder per record type.
//!
//! Where GoTo publishes an OpenAPI description of a route (SCIM `Users/me`, GoToWebinar v2's
//! webinars, GoToMeeting's upcoming meetings), the record has every field the description
//! requires, with its type. The other routes follow the answers integrators recorded from real
//! accounts. Fields nobody has described or captured are not invented, with one exception: the
//! SCIM core fields (`schemas`, `emails`), which every SCIM server sends. The crate's README
//! names the source of each route's shape; `tests/it/conformance.rs` checks the required fields.

use serde_json::{Value, json};

use crate::seed::{
    self, CALLS, CHANNELS, EXTENSIONS, LINES, MEETINGS, PHONE_NUMBERS, USERS, WEBINARS,
};
use crate::timestamps::{format_millis, format_seconds};

/// One of the five seeded users (see [`seed`] for their emails and keys).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UserId {
    /// Dana Admin, [`seed::ADMIN_EMAIL`]: account administrator, two lines, organises webinars
    /// and meetings, owns the notification channels.
    Admin,
    /// Miles Member, [`seed::MEMBER_EMAIL`]: an ordinary user with one line.
    Member,
    /// Vera Viewer, [`seed::VIEWER_EMAIL`]: an ordinary user with one line; owns
    /// [`seed::IDENTITY_ONLY_PAT`].
    Viewer,
    /// Omar Operator: an ordinary user with one line.
    Operator,
    /// Lena Lineless: an ordinary user whose `lines` array is empty.
    Lineless,
}

impl UserId {
    /// The user's email: the token `principal` and the SCIM `userName`.
    pub fn email(self) -> &'static str {
        self.record().email
    }

    /// The user's numeric key: SCIM `id`, admin `key`, JWT `sub`, G2W organizer key.
    pub fn user_key(self) -> &'static str {
        self.record().key
    }

    /// Whether the user administers the account (only they may call `/admin/rest/v1/me`).
    pub fn is_admin(self) -> bool {
        self.record().is_admin
    }

    /// The seeded user with this user key, if any.
    pub(crate) fn from_user_key(key: &str) -> Option<UserId> {
        USERS
            .iter()
            .find(|user| user.key == key)
            .map(|user| user.id)
    }

    fn record(self) -> &'static seed::SeedUser {
        USERS
            .iter()
            .find(|user| user.id == self)
            .unwrap_or_else(|| unreachable!("every UserId has a row in seed::USERS"))
    }

    fn display_name(self) -> String {
        let user = self.record();
        format!("{} {}", user.given_name, user.family_name)
    }
}

/// The organisation's records, with instants placed around `anchor` (Unix seconds at start).
#[derive(Debug)]
pub(crate) struct Organisation {
    anchor: i64,
}

impl Organisation {
    pub(crate) fn new(anchor: i64) -> Organisation {
        Organisation { anchor }
    }

    /// When `webinar`'s one session starts (Unix seconds): 16:00 UTC on its day.
    pub(crate) fn webinar_starts(&self, webinar: &seed::SeedWebinar) -> i64 {
        let start_of_day = self.anchor - self.anchor.rem_euclid(86_400);
        start_of_day + webinar.days_from_start * 86_400 + 16 * 3600
    }

    /// When `meeting` starts (Unix seconds): on the hour, its hours after the sandbox started.
    pub(crate) fn meeting_starts(&self, meeting: &seed::SeedMeeting) -> i64 {
        self.anchor - self.anchor.rem_euclid(3600) + meeting.hours_from_start * 3600
    }

    /// `GET /identity/v1/Users/me`: the SCIM user.
    pub(crate) fn scim_user(&self, user: UserId) -> Value {
        let record = user.record();
        let mut entitlements = vec!["gotoconnect", "g2m", "g2w", "jive"];
        if record.is_admin {
            entitlements.insert(0, "acctadmin");
        }
        json!({
            "schemas": [
                "urn:scim:schemas:core:1.0",
                "urn:scim:schemas:extension:getgo:1.0",
                "urn:scim:schemas:extension:jive:1.0",
            ],
            "id": record.key,
            "userName": record.email,
            "displayName": user.display_name(),
            "name": {
                "formatted": user.display_name(),
                "familyName": record.family_name,
                "givenName": record.given_name,
            },
            "emails": [{ "value": record.email, "type": "work", "primary": true }],
            "locale": "en_US",
            "timezone": record.timezone,
            "title": record.title,
            "active": true,
            "meta": {
                "created": record.created,
                "location": format!("https://api.getgo.com/identity/v1/Users/{}", record.key),
            },
            "urn:scim:schemas:extension:getgo:1.0": {
                "accounts": [{
                    "value": seed::ACCOUNT_KEY,
                    "display": seed::ACCOUNT_NAME,
                    "entitlements": entitlements,
                }],
            },
            "urn:scim:schemas:extension:jive:1.0": {},
        })
    }

    /// `GET /admin/rest/v1/me`: the administrator as the Admin API shows them.
    pub(crate) fn admin_me(&self, user: UserId) -> Value {
        let record = user.record();
        json!({
            "key": record.key,
            "accountKey": seed::ACCOUNT_KEY,
            "email": record.email,
            "firstName": record.given_name,
            "lastName": record.family_name,
            "locale": "en_US",
            "timeZone": record.timezone,
            "adminRoles": ["SUPER_USER"],
            "accounts": [{
                "key": seed::ACCOUNT_KEY,
                "name": seed::ACCOUNT_NAME,
                "adminRoles": ["SUPER_USER"],
            }],
        })
    }

    /// The lines of `user`, as both `/users/v1/lines` and `/users/v1/users` show them.
    pub(crate) fn lines_of(&self, user: UserId) -> Vec<Value> {
        LINES
            .iter()
            .filter(|line| line.owner == user)
            .map(|line| {
                json!({
                    "id": line.id,
                    "name": line.owner.display_name(),
                    "number": line.number,
                    "organization": { "id": seed::ORGANIZATION_ID, "name": seed::ACCOUNT_NAME },
                    "accountKey": seed::ACCOUNT_KEY,
                    "primary": line.primary,
                    "region": "US",
                })
            })
            .collect()
    }

    /// The items of `/users/v1/users`, in a stable order.
    pub(crate) fn account_users(&self) -> Vec<Value> {
        USERS
            .iter()
            .map(|user| {
                json!({
                    "userKey": user.key,
                    "userId": user.uuid,
                    "lines": self.lines_of(user.id),
                })
            })
            .collect()
    }

    /// The items of `/voice-admin/v1/phone-numbers`.
    pub(crate) fn phone_numbers(&self) -> Vec<Value> {
        PHONE_NUMBERS
            .iter()
            .map(|phone| {
                let mut record = json!({
                    "id": phone.id,
                    "accountKey": seed::ACCOUNT_KEY,
                    "organizationId": seed::ORGANIZATION_ID,
                    "number": phone.number,
                    "name": phone.name,
                    "callerIdName": seed::ACCOUNT_NAME,
                    "routeTo": { "id": EXTENSIONS[phone.routes_to_extension].id, "type": "EXTENSION" },
                    "status": "ACTIVE",
                });
                if let Some(billing_group) = phone.billing_group {
                    record["billingGroupId"] = json!(billing_group);
                }
                record
            })
            .collect()
    }

    /// The items of `/voice-admin/v1/extensions`.
    pub(crate) fn extensions(&self) -> Vec<Value> {
        EXTENSIONS
            .iter()
            .map(|extension| {
                json!({
                    "id": extension.id,
                    "accountKey": seed::ACCOUNT_KEY,
                    "number": extension.number,
                    "name": extension.name,
                    "omitFromDirectories": extension.hidden,
                    "omitFromAutoAttendants": extension.hidden,
                    "organizationId": seed::ORGANIZATION_ID,
                    "type": "DIAL_PLAN",
                })
            })
            .collect()
    }

    /// The report summaries of calls created within `[from, to]` (Unix seconds), oldest first.
    pub(crate) fn call_summaries(&self, from: i64, to: i64) -> Vec<Value> {
        let mut calls: Vec<_> = CALLS
            .iter()
            .map(|call| (self.anchor - call.minutes_before_start * 60, call))
            .filter(|(created, _)| (from..=to).contains(created))
            .collect();
        calls.sort_by_key(|(created, _)| *created);
        calls
            .into_iter()
            .map(|(created, call)| {
                let line = &LINES[call.line];
                let line_party = json!({
                    "name": line.owner.display_name(),
                    "number": line.number,
                    "legId": format!("{}-line", &call.conversation_space_id[..8]),
                    "type": {
                        "value": "LINE",
                        "lineId": line.id,
                        "userKey": line.owner.user_key(),
                        "userId": line.owner.record().uuid,
                    },
                });
                let (outside_name, outside_number) = call.outside;
                let outside_party = json!({
                    "name": outside_name,
                    "number": outside_number,
                    "legId": format!("{}-pstn", &call.conversation_space_id[..8]),
                    "type": {
                        "value": "PHONE_NUMBER",
                        "number": outside_number,
                        "callProvider": "PSTN",
                    },
                });
                let (caller, participant) = if call.inbound {
                    (outside_party, line_party)
                } else {
                    (line_party, outside_party)
                };
                let answered = created + call.ring_seconds;
                let ended = answered + call.talk_seconds;
                let mut summary = json!({
                    "conversationSpaceId": call.conversation_space_id,
                    "accountKey": seed::ACCOUNT_KEY,
                    "callCreated": format_millis(created),
                    "callEnded": format_millis(ended),
                    "callInitiator": "DIRECT",
                    "direction": if call.inbound { "INBOUND" } else { "OUTBOUND" },
                    "caller": caller,
                    "callerOutcome": call.caller_outcome,
                    "participants": [participant],
                });
                if call.talk_seconds > 0 {
                    summary["callAnswered"] = json!(format_millis(answered));
                }
                summary
            })
            .collect()
    }

    /// The notification channels `user` created (only the administrator has any).
    pub(crate) fn channels_of(&self, user: UserId) -> Vec<Value> {
        if user != UserId::Admin {
            return Vec::new();
        }
        CHANNELS
            .iter()
            .map(|channel| {
                let channel_id = format!("Webhook.{}", channel.id);
                json!({
                    "channelId": channel_id,
                    "channelNickname": channel.nickname,
                    "webhookChannelData": {
                        "webhook": { "url": format!("https://hooks.example.test/goto/{}", channel.nickname) },
                        "channelType": "Webhook",
                    },
                    "channelLifetime": 2_147_483_647,
                    "resourceURL": format!(
                        "https://webrtc.jive.com/notification-channel/v1/channels/{}/{channel_id}",
                        channel.nickname
                    ),
                    "doNotDisturbAware": false,
                })
            })
            .collect()
    }

    /// The webinars `organizer` has with a session overlapping `[from, to]` (Unix seconds).
    pub(crate) fn webinars_of(&self, organizer: UserId, from: i64, to: i64) -> Vec<Value> {
        if organizer != UserId::Admin {
            return Vec::new();
        }
        WEBINARS
            .iter()
            .map(|webinar| {
                let starts = self.webinar_starts(webinar);
                (starts, starts + webinar.minutes * 60, webinar)
            })
            .filter(|(starts, ends, _)| *starts <= to && *ends >= from)
            .map(|(starts, ends, webinar)| {
                json!({
                    "webinarKey": webinar.key,
                    "webinarID": webinar.webinar_id,
                    "organizerKey": organizer.user_key(),
                    "accountKey": seed::ACCOUNT_KEY,
                    "subject": webinar.subject,
                    "description": format!("{} for {}.", webinar.subject, seed::ACCOUNT_NAME),
                    "times": [{ "startTime": format_seconds(starts), "endTime": format_seconds(ends) }],
                    "timeZone": "America/Los_Angeles",
                    "locale": "en_US",
                    "approvalType": "AUTOMATIC",
                    "registrationUrl": format!("https://attendee.gotowebinar.com/register/{}", webinar.key),
                    "impromptu": false,
                    "isPasswordProtected": false,
                    "recurrenceType": "single_session",
                    "experienceType": "classic",
                })
            })
            .collect()
    }

    /// `GET /G2M/rest/upcomingMeetings`: a bare JSON array of GoToMeeting's `UpcomingMeeting`
    /// records, every field its description requires and no other: the organizer is named in
    /// each record (key, email, names, locale), the meeting id is a string, and fields of other
    /// records (`duration`, `maxParticipants`, `uniqueMeetingId`) are not sent.
    pub(crate) fn upcoming_meetings_of(&self, organizer: UserId) -> Vec<Value> {
        let record = organizer.record();
        MEETINGS
            .iter()
            .filter(|meeting| meeting.organizer == organizer)
            .map(|meeting| {
                let starts = self.meeting_starts(meeting);
                json!({
                    "meetingId": meeting.meeting_id,
                    "organizerKey": record.key,
                    "accountKey": seed::ACCOUNT_KEY,
                    "email": record.email,
                    "firstName": record.given_name,
                    "lastName": record.family_name,
                    "locale": "en_US",
                    "subject": meeting.subject,
                    "startTime": format_seconds(starts),
                    "endTime": format_seconds(starts + meeting.minutes * 60),
                    "meetingType": meeting.meeting_type,
                    "status": "INACTIVE",
                    "passwordRequired": false,
                    "conferenceCallInfo": "Hybrid",
                })
            })
            .collect()
    }
}
