//! Which path is which route, which method each serves and which error envelope it speaks.
//! The order every request is judged in lives in `dispatch`.

/// Which scopes each API route accepts: the table the smoke catalog reads too, so that the
/// sandbox authorizes exactly what `cargo xtask smoke` expects (see [`goto_apis::SCOPES`] for
/// where each name comes from).
pub use goto_apis::SCOPES;

/// A path the sandbox serves.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Route {
    Token,
    DecommissionedToken,
    ScimMe,
    AdminMe,
    Lines,
    Users,
    PhoneNumbers,
    Extensions,
    ReportSummaries,
    Channels,
    Webinars {
        organizer_key: String,
    },
    Registrants {
        organizer_key: String,
        webinar_key: String,
    },
    UpcomingMeetings,
    Meeting {
        meeting_id: String,
    },
}

/// Which error bodies a route speaks: GoTo Connect's envelope, or GoToWebinar/GoToMeeting's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    /// api.goto.com, and the SCIM and Admin APIs on api.getgo.com.
    Connect,
    /// GoToWebinar and GoToMeeting on api.getgo.com.
    Collab,
}

impl Route {
    /// The route of `path`, matched exactly (a trailing slash is another path, as upstream).
    pub(crate) fn recognise(path: &str) -> Option<Route> {
        let route = match path {
            "/oauth/token" => Route::Token,
            _ if path.starts_with("/oauth/v2/") => Route::DecommissionedToken,
            "/identity/v1/Users/me" => Route::ScimMe,
            "/admin/rest/v1/me" => Route::AdminMe,
            "/users/v1/lines" => Route::Lines,
            "/users/v1/users" => Route::Users,
            "/voice-admin/v1/phone-numbers" => Route::PhoneNumbers,
            "/voice-admin/v1/extensions" => Route::Extensions,
            "/call-events-report/v1/report-summaries" => Route::ReportSummaries,
            "/notification-channel/v1/channels" => Route::Channels,
            "/G2M/rest/upcomingMeetings" => Route::UpcomingMeetings,
            _ => return Route::recognise_keyed(path),
        };
        Some(route)
    }

    /// The routes with keys in their paths, each key one non-empty segment.
    fn recognise_keyed(path: &str) -> Option<Route> {
        if let Some(meeting_id) = path.strip_prefix("/G2M/rest/meetings/") {
            return is_segment(meeting_id).then(|| Route::Meeting {
                meeting_id: meeting_id.to_owned(),
            });
        }
        let rest = path.strip_prefix("/G2W/rest/v2/organizers/")?;
        let segments: Vec<&str> = rest.split('/').collect();
        match segments[..] {
            [organizer_key, "webinars"] if is_segment(organizer_key) => Some(Route::Webinars {
                organizer_key: organizer_key.to_owned(),
            }),
            [organizer_key, "webinars", webinar_key, "registrants"]
                if is_segment(organizer_key) && is_segment(webinar_key) =>
            {
                Some(Route::Registrants {
                    organizer_key: organizer_key.to_owned(),
                    webinar_key: webinar_key.to_owned(),
                })
            }
            _ => None,
        }
    }

    /// The one method the route serves; `None` when any method gets the same answer.
    pub(crate) fn method(&self) -> Option<&'static str> {
        match self {
            Route::Token => Some("POST"),
            Route::DecommissionedToken => None,
            _ => Some("GET"),
        }
    }

    pub(crate) fn family(&self) -> Family {
        match self {
            Route::Webinars { .. }
            | Route::Registrants { .. }
            | Route::UpcomingMeetings
            | Route::Meeting { .. } => Family::Collab,
            _ => Family::Connect,
        }
    }
}

fn is_segment(text: &str) -> bool {
    !text.is_empty() && !text.contains('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scoped_prefix_is_a_route() {
        for (prefix, _) in SCOPES {
            let path = match *prefix {
                "/G2W/rest/v2/organizers/" => format!("{prefix}123/webinars"),
                "/G2M/rest/meetings/" => format!("{prefix}123"),
                _ => (*prefix).to_owned(),
            };
            assert!(Route::recognise(&path).is_some(), "{path}");
        }
    }

    /// The seeded clients and full PATs hold every name of the shared table: the first name of
    /// each entry in `ALL_SCOPES`, the alternatives in `ALTERNATIVE_SCOPES`.
    #[test]
    fn the_seeded_scopes_are_the_tables_names() {
        let sorted = |mut names: Vec<&'static str>| {
            names.sort_unstable();
            names.dedup();
            names
        };
        let first = sorted(
            SCOPES
                .iter()
                .filter_map(|(_, s)| s.first().copied())
                .collect(),
        );
        let rest = sorted(
            SCOPES
                .iter()
                .flat_map(|(_, s)| s.iter().skip(1).copied())
                .collect(),
        );
        assert_eq!(first, sorted(crate::seed::ALL_SCOPES.to_vec()));
        assert_eq!(rest, sorted(crate::seed::ALTERNATIVE_SCOPES.to_vec()));
    }

    #[test]
    fn organizer_keys_are_one_segment() {
        assert_eq!(
            Route::recognise("/G2W/rest/v2/organizers/42/webinars"),
            Some(Route::Webinars {
                organizer_key: "42".to_owned()
            })
        );
        assert_eq!(Route::recognise("/G2W/rest/v2/organizers//webinars"), None);
        assert_eq!(
            Route::recognise("/G2W/rest/v2/organizers/4/2/webinars"),
            None
        );
        assert_eq!(
            Route::recognise("/G2W/rest/v2/organizers/42/webinars/7/registrants"),
            Some(Route::Registrants {
                organizer_key: "42".to_owned(),
                webinar_key: "7".to_owned()
            })
        );
        assert_eq!(
            Route::recognise("/G2W/rest/v2/organizers/42/webinars//registrants"),
            None
        );
        assert_eq!(
            Route::recognise("/G2M/rest/meetings/318664941"),
            Some(Route::Meeting {
                meeting_id: "318664941".to_owned()
            })
        );
        assert_eq!(Route::recognise("/G2M/rest/meetings/"), None);
        assert_eq!(Route::recognise("/G2M/rest/meetings/1/start"), None);
    }

    #[test]
    fn apis_are_first_segments() {
        assert_eq!(goto_apis::api_of("/users/v1/lines"), "users");
        assert_eq!(
            goto_apis::api_of("/G2W/rest/v2/organizers/1/webinars"),
            "G2W"
        );
    }
}
