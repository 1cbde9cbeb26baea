//! The seeded world: credentials, one organisation and its people, phones, calls and meetings.
//!
//! Everything here is fixed at compile time, so tests in any crate can name the values they expect.
//! Only instants are relative: calls, webinars and meetings are placed around the moment the
//! sandbox started, so that a client asking for "the last week" or "the next month" finds something.
//!
//! Most personal access tokens deliberately contain `+`, `/` and `=`.
//! A client that puts a PAT into a form body without encoding it sends `+` as a space, and the
//! sandbox, like any form decoder, then sees a different token and answers `invalid_grant`.
//! [`GUIDE_PAT`] is the exception: letters and digits only, like the example in GoTo's guide, so
//! that the guide's own `curl -d "grant_type=personal_access_token&pat=…"` works as typed.
//!
//! All the names, addresses and numbers are invented: `example.test` is a reserved domain and
//! `+1 800 555 01xx` numbers are reserved for fiction.

use crate::UserId;

/// The seeded OAuth client: Personal Access Token grant enabled, every scope in [`ALL_SCOPES`].
///
/// `CLIENT_ID:CLIENT_SECRET` is 57 bytes, so `echo -n "CLIENT_ID:CLIENT_SECRET" | base64` from the
/// guide prints a single line (GNU base64 wraps after 76 characters).
pub const CLIENT_ID: &str = "a268aa87-2607-479d-a050-914a9d33a01c";
/// The secret of [`CLIENT_ID`].
pub const CLIENT_SECRET: &str = "1Ae6pWzpF1qH6YytwMe4";

/// A client whose Personal Access Token grant is switched off: exchanges answer
/// `unauthorized_client`.
pub const NO_PAT_GRANT_CLIENT_ID: &str = "9a2ef80f-58ee-4571-b499-8d7c4093f6de";
/// The secret of [`NO_PAT_GRANT_CLIENT_ID`].
pub const NO_PAT_GRANT_CLIENT_SECRET: &str = "LbyoVFz8uZdZv8FuKKIB";

/// The PAT the `goto-sandbox` binary prints: the administrator's ([`ADMIN_EMAIL`]), every scope
/// in [`ALL_SCOPES`], and only letters and digits, like the example in GoTo's guide. The guide's
/// curl command puts the PAT into its form body unencoded, which works only for such a PAT; a
/// person trying the guide against the sandbox must not learn first that it "doesn't work".
pub const GUIDE_PAT: &str = "pC5ElCz1vvvSaeqrcj9ugGsnZNK06FHYTvexIWTBhnn";

/// The PAT of the account administrator ([`ADMIN_EMAIL`]) with every scope in [`ALL_SCOPES`]:
/// every route of the sandbox answers 200 to a token exchanged from it. It holds `+`, `/` and
/// `=`, so it also proves that a client form-encodes the PAT.
pub const PAT: &str = "pU3KGCUwux1t+Eyze1iN7Ltk/eP3IfyxlxF0SU1kk8A=";
/// The PAT of an ordinary user ([`MEMBER_EMAIL`]) with every scope: `/admin/rest/v1/me` answers
/// 401 `not.authenticated`, as GoTo does for users who are not administrators.
pub const MEMBER_PAT: &str = "nVw0YL4xIB5p/tqg7ui5mX9c+CmZ/a/lkyU81lSvQw==";
/// A PAT with the single scope `identity:scim.me` (owned by [`VIEWER_EMAIL`]): only
/// `/identity/v1/Users/me` and the notification channels answer 200, the rest 403.
pub const IDENTITY_ONLY_PAT: &str = "TfrXFCegrrP+6SMvivIhH57k/cWxC+y1Vjv8Hm+T5g==";
/// A PAT its owner revoked: exchanges answer `invalid_grant`.
pub const REVOKED_PAT: &str = "Qn7LyP4pVeXNjkbc/tS3wnZNKlpNdncG+F2GkAJKrA==";
/// A PAT with [`UNGRANTED_SCOPE`], which the seeded client lacks: exchanges answer `invalid_scope`.
pub const OVERSCOPED_PAT: &str = "1r2jQBvpyMvM+yTX2zR9hImr/UziuGjQATTO6DSRqQ==";

/// The scope [`OVERSCOPED_PAT`] holds and no seeded client has.
pub const UNGRANTED_SCOPE: &str = "messaging.v1.send";

/// Every scope a route of the sandbox requires; the seeded client and the full PATs hold all of
/// them.
pub const ALL_SCOPES: &[&str] = &[
    "identity:scim.me",
    "identity:",
    "collab:",
    "users.v1.read",
    "users.v1.lines.read",
    "voice-admin.v1.read",
    "cr.v1.read",
];

/// Scopes a route accepts in place of one of [`ALL_SCOPES`], where sources disagree on GoTo's name:
/// report summaries accept `call-events-report.v1.read` as well as `cr.v1.read`. The seeded
/// clients hold them, so a PAT with one of them can be exchanged; the seeded PATs do not.
pub const ALTERNATIVE_SCOPES: &[&str] = &["call-events-report.v1.read"];

/// The only account: numeric, as GoTo's account keys are.
pub const ACCOUNT_KEY: &str = "6408928184882201760";
/// The account's display name.
pub const ACCOUNT_NAME: &str = "Example Test Co";
/// The GoTo Connect organization id of the account (lines, phone numbers and extensions carry it).
pub const ORGANIZATION_ID: &str = "1d87cec3-1f72-46ab-b961-fd925d39d0a8";

/// The administrator: principal of tokens from [`PAT`].
pub const ADMIN_EMAIL: &str = "dana.admin@example.test";
/// The administrator's user key: the SCIM `id`, the admin `key`, the JWT `sub` and the G2W
/// organizer key.
pub const ADMIN_USER_KEY: &str = "3392217998392035586";
/// The ordinary user: principal of tokens from [`MEMBER_PAT`].
pub const MEMBER_EMAIL: &str = "miles.member@example.test";
/// The ordinary user's user key.
pub const MEMBER_USER_KEY: &str = "4864708620064830446";
/// The owner of [`IDENTITY_ONLY_PAT`].
pub const VIEWER_EMAIL: &str = "vera.viewer@example.test";

/// How many users the account has (`/users/v1/users` pages through them).
pub const USER_COUNT: usize = USERS.len();
/// How many phone numbers the account has.
pub const PHONE_NUMBER_COUNT: usize = PHONE_NUMBERS.len();
/// How many extensions the account has.
pub const EXTENSION_COUNT: usize = EXTENSIONS.len();
/// How many calls the report summaries hold, all within the 10 days before the sandbox started.
pub const CALL_COUNT: usize = CALLS.len();
/// How many notification channels the administrator has (other users have none).
pub const ADMIN_CHANNEL_COUNT: usize = CHANNELS.len();
/// How many webinars the administrator organises, from 10 days before start to 14 days after.
pub const ADMIN_WEBINAR_COUNT: usize = WEBINARS.len();

/// One person of the organisation.
pub(crate) struct SeedUser {
    pub(crate) id: UserId,
    pub(crate) key: &'static str,
    pub(crate) uuid: &'static str,
    pub(crate) given_name: &'static str,
    pub(crate) family_name: &'static str,
    pub(crate) email: &'static str,
    pub(crate) title: &'static str,
    pub(crate) is_admin: bool,
    pub(crate) timezone: &'static str,
    /// When the user was created: SCIM's `meta.created`.
    pub(crate) created: &'static str,
}

pub(crate) const USERS: [SeedUser; 5] = [
    SeedUser {
        id: UserId::Admin,
        key: ADMIN_USER_KEY,
        uuid: "fa529ba3-fe3b-4ada-bcf2-0724d953ee26",
        given_name: "Dana",
        family_name: "Admin",
        email: ADMIN_EMAIL,
        title: "IT Director",
        is_admin: true,
        timezone: "America/Los_Angeles",
        created: "2017-03-14T09:21:07.000Z",
    },
    SeedUser {
        id: UserId::Member,
        key: MEMBER_USER_KEY,
        uuid: "4fd58dbe-7bdc-468b-bafb-2c68774b15d7",
        given_name: "Miles",
        family_name: "Member",
        email: MEMBER_EMAIL,
        title: "Account Executive",
        is_admin: false,
        timezone: "America/New_York",
        created: "2019-08-02T14:05:51.000Z",
    },
    SeedUser {
        id: UserId::Viewer,
        key: "2208941337862065588",
        uuid: "bfeaa155-1a28-47b3-a4e4-e25a15fc899e",
        given_name: "Vera",
        family_name: "Viewer",
        email: VIEWER_EMAIL,
        title: "Analyst",
        is_admin: false,
        timezone: "Europe/Dublin",
        created: "2021-01-19T10:42:16.000Z",
    },
    SeedUser {
        id: UserId::Operator,
        key: "9393425879825870916",
        uuid: "7a86f7a2-43c7-4b9a-bd87-a86557b6fb7e",
        given_name: "Omar",
        family_name: "Operator",
        email: "omar.operator@example.test",
        title: "Support Lead",
        is_admin: false,
        timezone: "America/Chicago",
        created: "2020-06-30T16:18:39.000Z",
    },
    SeedUser {
        id: UserId::Lineless,
        key: "4263081649464379418",
        uuid: "842e7fc2-2954-4a6e-b12a-a1f6d42fddbb",
        given_name: "Lena",
        family_name: "Lineless",
        email: "lena.lineless@example.test",
        title: "Contractor",
        is_admin: false,
        timezone: "Europe/Berlin",
        created: "2023-11-06T08:57:24.000Z",
    },
];

/// A GoTo Connect line (a user's extension).
pub(crate) struct SeedLine {
    pub(crate) owner: UserId,
    pub(crate) id: &'static str,
    pub(crate) number: &'static str,
    pub(crate) primary: bool,
}

pub(crate) const LINES: [SeedLine; 5] = [
    SeedLine {
        owner: UserId::Admin,
        id: "f3b7a50d-f373-4a53-b488-f87605e999f3",
        number: "1001",
        primary: true,
    },
    SeedLine {
        owner: UserId::Admin,
        id: "b0a844e5-2587-4e6b-9c9b-cf35873be078",
        number: "1009",
        primary: false,
    },
    SeedLine {
        owner: UserId::Member,
        id: "c215a82a-06ec-41ad-aa05-75438b0d590b",
        number: "1002",
        primary: true,
    },
    SeedLine {
        owner: UserId::Viewer,
        id: "a49636a2-fa7f-4eab-8c4f-9b0687322e25",
        number: "1003",
        primary: true,
    },
    SeedLine {
        owner: UserId::Operator,
        id: "d86f40f6-b239-43c7-974c-77a2dd02de92",
        number: "1005",
        primary: true,
    },
];

/// A dial plan reachable by extension number.
pub(crate) struct SeedExtension {
    pub(crate) id: &'static str,
    pub(crate) number: &'static str,
    pub(crate) name: &'static str,
    pub(crate) hidden: bool,
}

pub(crate) const EXTENSIONS: [SeedExtension; 6] = [
    SeedExtension {
        id: "e883a1d4-5de0-4997-84b5-a81842d87208",
        number: "0000",
        name: "Main menu",
        hidden: false,
    },
    SeedExtension {
        id: "3908f227-c59d-4916-9b0e-e76f2ac34446",
        number: "0100",
        name: "Sales",
        hidden: false,
    },
    SeedExtension {
        id: "80b0c08b-c770-4420-8aa4-248c8857f9a4",
        number: "0200",
        name: "Support",
        hidden: false,
    },
    SeedExtension {
        id: "9cfc8652-3919-4242-a2ed-dbbd5464ecc2",
        number: "0300",
        name: "After hours",
        hidden: true,
    },
    SeedExtension {
        id: "c2216b02-fc24-4d0b-89d4-88b1cfbf3360",
        number: "0400",
        name: "Holiday greeting",
        hidden: true,
    },
    SeedExtension {
        id: "3d4882a5-ce5b-4a92-b1f5-1707da45e18a",
        number: "0500",
        name: "Billing",
        hidden: false,
    },
];

/// A DID of the account, routed to one of [`EXTENSIONS`].
pub(crate) struct SeedPhoneNumber {
    pub(crate) id: &'static str,
    pub(crate) number: &'static str,
    pub(crate) name: &'static str,
    pub(crate) routes_to_extension: usize,
    pub(crate) billing_group: Option<&'static str>,
}

pub(crate) const PHONE_NUMBERS: [SeedPhoneNumber; 5] = [
    SeedPhoneNumber {
        id: "cda6c6fd-bd68-4167-a693-4036d17e4497",
        number: "+18005550100",
        name: "Main line",
        routes_to_extension: 0,
        billing_group: Some("7e26f36a-8483-48b8-b32d-d3313a0b9965"),
    },
    SeedPhoneNumber {
        id: "fd56a926-076b-4e36-bb23-13f55b06258e",
        number: "+18005550101",
        name: "Sales line",
        routes_to_extension: 1,
        billing_group: None,
    },
    SeedPhoneNumber {
        id: "78e4b98d-4787-493b-8a44-eb860726e25c",
        number: "+18005550102",
        name: "Support line",
        routes_to_extension: 2,
        billing_group: None,
    },
    SeedPhoneNumber {
        id: "9aea6429-b149-4e24-b192-b70442594052",
        number: "+18005550103",
        name: "Billing line",
        routes_to_extension: 5,
        billing_group: Some("7e26f36a-8483-48b8-b32d-d3313a0b9965"),
    },
    SeedPhoneNumber {
        id: "cefe2a1f-727d-4349-9822-cb77f4de2c08",
        number: "+18005550104",
        name: "Fax line",
        routes_to_extension: 3,
        billing_group: None,
    },
];

/// A finished call, `minutes_before_start` minutes before the sandbox started.
pub(crate) struct SeedCall {
    pub(crate) conversation_space_id: &'static str,
    pub(crate) minutes_before_start: i64,
    pub(crate) ring_seconds: i64,
    pub(crate) talk_seconds: i64,
    pub(crate) inbound: bool,
    /// The outside party: name and E.164 number.
    pub(crate) outside: (&'static str, &'static str),
    /// Which of [`LINES`] took or made the call.
    pub(crate) line: usize,
    pub(crate) caller_outcome: &'static str,
}

pub(crate) const CALLS: [SeedCall; 9] = [
    SeedCall {
        conversation_space_id: "597a1ecf-fcf0-4fec-b91e-e9e5efe09f07",
        minutes_before_start: 180,
        ring_seconds: 7,
        talk_seconds: 312,
        inbound: true,
        outside: ("Pat Caller", "+18005550150"),
        line: 0,
        caller_outcome: "NORMAL",
    },
    SeedCall {
        conversation_space_id: "149e259b-5d58-4705-b979-d04af47aebdd",
        minutes_before_start: 1_210,
        ring_seconds: 4,
        talk_seconds: 95,
        inbound: false,
        outside: ("Sam Prospect", "+18005550151"),
        line: 2,
        caller_outcome: "NORMAL",
    },
    SeedCall {
        conversation_space_id: "78572976-3a12-417c-9a26-f88938703800",
        minutes_before_start: 1_815,
        ring_seconds: 22,
        talk_seconds: 0,
        inbound: true,
        outside: ("Unknown", "+18005550152"),
        line: 4,
        caller_outcome: "LEFT_DIAL_PLAN",
    },
    SeedCall {
        conversation_space_id: "7b8f2ab5-3451-4013-9675-f6ad325b55dd",
        minutes_before_start: 3_002,
        ring_seconds: 3,
        talk_seconds: 1_204,
        inbound: true,
        outside: ("Kim Customer", "+18005550153"),
        line: 4,
        caller_outcome: "NORMAL",
    },
    SeedCall {
        conversation_space_id: "9c3a23cd-e67a-4b75-bc39-47249fc2d0a1",
        minutes_before_start: 4_500,
        ring_seconds: 5,
        talk_seconds: 61,
        inbound: false,
        outside: ("Kim Customer", "+18005550153"),
        line: 0,
        caller_outcome: "NORMAL",
    },
    SeedCall {
        conversation_space_id: "a5c1e0de-3b8e-4d55-9f8e-2c0f4f3f1a01",
        minutes_before_start: 6_020,
        ring_seconds: 11,
        talk_seconds: 430,
        inbound: true,
        outside: ("Lee Partner", "+18005550154"),
        line: 3,
        caller_outcome: "NORMAL",
    },
    SeedCall {
        conversation_space_id: "b6d2f1ef-4c9f-4e66-8a9f-3d1a5a4a2b02",
        minutes_before_start: 7_800,
        ring_seconds: 2,
        talk_seconds: 18,
        inbound: false,
        outside: ("Sam Prospect", "+18005550151"),
        line: 1,
        caller_outcome: "NORMAL",
    },
    SeedCall {
        conversation_space_id: "c7e3a2f0-5d0a-4f77-9b0a-4e2b6b5b3c03",
        minutes_before_start: 10_200,
        ring_seconds: 30,
        talk_seconds: 0,
        inbound: true,
        outside: ("Unknown", "+18005550155"),
        line: 2,
        caller_outcome: "LEFT_DIAL_PLAN",
    },
    SeedCall {
        conversation_space_id: "d8f4b3a1-6e1b-4a88-8c1b-5f3c7c6c4d04",
        minutes_before_start: 14_100,
        ring_seconds: 6,
        talk_seconds: 845,
        inbound: true,
        outside: ("Pat Caller", "+18005550150"),
        line: 0,
        caller_outcome: "NORMAL",
    },
];

/// A webhook notification channel of the administrator.
pub(crate) struct SeedChannel {
    pub(crate) id: &'static str,
    pub(crate) nickname: &'static str,
}

pub(crate) const CHANNELS: [SeedChannel; 3] = [
    SeedChannel {
        id: "0b5e8c1a-7f2d-4e3b-9a6c-1d2e3f4a5b61",
        nickname: "crm-sync",
    },
    SeedChannel {
        id: "1c6f9d2b-8a3e-4f4c-8b7d-2e3f4a5b6c72",
        nickname: "call-dashboard",
    },
    SeedChannel {
        id: "2d7a0e3c-9b4f-4a5d-9c8e-3f4a5b6c7d83",
        nickname: "voicemail-alerts",
    },
];

/// The key of the administrator's first webinar (the earliest, 10 days before start), which has
/// [`FIRST_WEBINAR_REGISTRANT_COUNT`] registrants.
pub const FIRST_WEBINAR_KEY: &str = "5225789215101677050";

/// The id of the administrator's first upcoming meeting, as `upcomingMeetings` lists it first.
pub const FIRST_MEETING_ID: &str = "318664941";

/// A webinar the administrator organises, `days_from_start` days after the sandbox started
/// (negative: before), at 16:00 UTC on that day.
pub(crate) struct SeedWebinar {
    pub(crate) key: &'static str,
    pub(crate) webinar_id: &'static str,
    pub(crate) subject: &'static str,
    pub(crate) days_from_start: i64,
    pub(crate) minutes: i64,
}

pub(crate) const WEBINARS: [SeedWebinar; 4] = [
    SeedWebinar {
        key: FIRST_WEBINAR_KEY,
        webinar_id: "512-384-227",
        subject: "Onboarding for new admins",
        days_from_start: -10,
        minutes: 60,
    },
    SeedWebinar {
        key: "6380442763044582225",
        webinar_id: "733-219-845",
        subject: "Quarterly product update",
        days_from_start: -2,
        minutes: 45,
    },
    SeedWebinar {
        key: "9340665568497953815",
        webinar_id: "247-901-118",
        subject: "Call routing best practices",
        days_from_start: 3,
        minutes: 60,
    },
    SeedWebinar {
        key: "4879611031182012468",
        webinar_id: "881-455-390",
        subject: "Ask the support team",
        days_from_start: 14,
        minutes: 90,
    },
];

/// How many people may join a seeded meeting (`maxParticipants`; our choice, GoTo's plans differ).
pub const MEETING_MAX_PARTICIPANTS: u32 = 250;

/// An upcoming GoToMeeting, `hours_from_start` hours after the sandbox started.
pub(crate) struct SeedMeeting {
    pub(crate) organizer: UserId,
    /// GoToMeeting's 9-digit meeting id, a string in GoTo's description.
    pub(crate) meeting_id: &'static str,
    pub(crate) subject: &'static str,
    /// `scheduled` or `recurring` (GoTo's third type, `immediate`, is never upcoming for long).
    pub(crate) meeting_type: &'static str,
    pub(crate) hours_from_start: i64,
    pub(crate) minutes: i64,
}

pub(crate) const MEETINGS: [SeedMeeting; 2] = [
    SeedMeeting {
        organizer: UserId::Admin,
        meeting_id: FIRST_MEETING_ID,
        subject: "Weekly IT sync",
        meeting_type: "recurring",
        hours_from_start: 20,
        minutes: 30,
    },
    SeedMeeting {
        organizer: UserId::Admin,
        meeting_id: "905122377",
        subject: "Vendor review",
        meeting_type: "scheduled",
        hours_from_start: 75,
        minutes: 60,
    },
];

/// How many people registered for the first seeded webinar (the one smoke's `webinars` call
/// finds first); the last seeded webinar has none.
pub const FIRST_WEBINAR_REGISTRANT_COUNT: usize = 3;

/// A person registered for the seeded webinar `webinar` (an index into [`WEBINARS`]),
/// `days_before` days before its session.
pub(crate) struct SeedRegistrant {
    pub(crate) webinar: usize,
    /// GoToWebinar's registrant key: an integer (`int64`) in GoTo's description.
    pub(crate) key: u64,
    pub(crate) given_name: &'static str,
    pub(crate) family_name: &'static str,
    pub(crate) email: &'static str,
    /// `APPROVED`, `WAITING` or `DENIED`, the description's three states.
    pub(crate) status: &'static str,
    pub(crate) days_before: i64,
}

pub(crate) const REGISTRANTS: [SeedRegistrant; 5] = [
    SeedRegistrant {
        webinar: 0,
        key: 7_188_400_317_224_561_934,
        given_name: "Priya",
        family_name: "Patel",
        email: "priya.patel@example.test",
        status: "APPROVED",
        days_before: 6,
    },
    SeedRegistrant {
        webinar: 0,
        key: 5_903_117_846_002_315_767,
        given_name: "Jonas",
        family_name: "Berg",
        email: "jonas.berg@example.test",
        status: "APPROVED",
        days_before: 3,
    },
    SeedRegistrant {
        webinar: 0,
        key: 8_450_662_190_573_318_205,
        given_name: "Ana",
        family_name: "Souza",
        email: "ana.souza@example.test",
        status: "WAITING",
        days_before: 1,
    },
    SeedRegistrant {
        webinar: 1,
        key: 6_612_094_538_871_240_019,
        given_name: "Miles",
        family_name: "Member",
        email: MEMBER_EMAIL,
        status: "APPROVED",
        days_before: 2,
    },
    SeedRegistrant {
        webinar: 2,
        key: 4_027_851_366_194_770_452,
        given_name: "Kofi",
        family_name: "Mensah",
        email: "kofi.mensah@example.test",
        status: "DENIED",
        days_before: 4,
    },
];
