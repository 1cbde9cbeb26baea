//! The detail routes, each reached with a key from an earlier answer: a webinar's registrants
//! (GoToWebinar v2) and a meeting by its id (GoToMeeting v1). Both follow GoTo's published
//! descriptions field for field; their errors are the sandbox's choice where the descriptions
//! declare a status without a body (see the crate's README).

use serde_json::{Value, json};

use crate::UserId;
use crate::answer::{Answer, collab_error};
use crate::organisation::Organisation;
use crate::seed::{self, MEETINGS, REGISTRANTS, WEBINARS};
use crate::timestamps::format_seconds;

/// `GET /G2W/rest/v2/organizers/{organizerKey}/webinars/{webinarKey}/registrants`: a bare array
/// of GoToWebinar v2's `Registrant`, every field the description defines and no other.
///
/// Another organizer's key is 403 `Forbidden`, as on the webinar list; a webinar key that is not
/// one of the organizer's webinars is 404 (the description declares 404 without a body).
pub(crate) fn registrants(
    organisation: &Organisation,
    user: UserId,
    organizer_key: &str,
    webinar_key: &str,
) -> Answer {
    if UserId::from_user_key(organizer_key) != Some(user) {
        return collab_error(
            403,
            "Forbidden",
            &format!("Organizer {organizer_key} is not the authenticated organizer."),
        );
    }
    let found = WEBINARS
        .iter()
        .enumerate()
        .find(|(_, webinar)| webinar.key == webinar_key && user == UserId::Admin);
    let Some((index, webinar)) = found else {
        return collab_error(
            404,
            "NotFound",
            &format!("Webinar {webinar_key} was not found."),
        );
    };
    let starts = organisation.webinar_starts(webinar);
    let records: Vec<Value> = REGISTRANTS
        .iter()
        .filter(|registrant| registrant.webinar == index)
        .map(|registrant| {
            json!({
                "firstName": registrant.given_name,
                "lastName": registrant.family_name,
                "email": registrant.email,
                "registrantKey": registrant.key,
                "registrationDate": format_seconds(starts - registrant.days_before * 86_400),
                "status": registrant.status,
                "joinUrl": format!(
                    "https://global.gotowebinar.com/join/{}/{}",
                    webinar.key, registrant.key
                ),
                "timeZone": "America/Los_Angeles",
            })
        })
        .collect();
    Answer::json(200, &Value::from(records))
}

/// `GET /G2M/rest/meetings/{meetingId}`: GoToMeeting v1's `MeetingById`, which its description
/// answers as an array; here one record, the caller's meeting with that id.
///
/// The description's ids are integers here (`meetingId`, `meetingKey`, `uniqueMeetingId`), unlike
/// the string `meetingId` of upcoming meetings, and `createTime` is deprecated and "returns an
/// empty string". A meeting that is not the caller's, or no meeting at all, is 404 (the status
/// the description declares), so ids cannot be probed.
pub(crate) fn meeting(organisation: &Organisation, user: UserId, meeting_id: &str) -> Answer {
    let found = MEETINGS
        .iter()
        .find(|meeting| meeting.meeting_id == meeting_id && meeting.organizer == user);
    let Some(meeting) = found else {
        return collab_error(
            404,
            "NotFound",
            &format!("Meeting {meeting_id} was not found."),
        );
    };
    let id: u64 = meeting
        .meeting_id
        .parse()
        .unwrap_or_else(|_| unreachable!("seeded meeting ids are digits"));
    let starts = organisation.meeting_starts(meeting);
    let record = json!({
        "createTime": "",
        "passwordRequired": false,
        "status": "INACTIVE",
        "subject": meeting.subject,
        "endTime": format_seconds(starts + meeting.minutes * 60),
        "conferenceCallInfo": "Hybrid",
        "startTime": format_seconds(starts),
        "duration": meeting.minutes,
        "maxParticipants": seed::MEETING_MAX_PARTICIPANTS,
        "meetingId": id,
        "meetingKey": id,
        "meetingType": meeting.meeting_type,
        "uniqueMeetingId": id,
    });
    Answer::json(200, &json!([record]))
}
