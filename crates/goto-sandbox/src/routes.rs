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
    Webinars { organizer_key: String },
    UpcomingMeetings,
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
            _ => {
                let organizer_key = path
                    .strip_prefix("/G2W/rest/v2/organizers/")?
                    .strip_suffix("/webinars")?;
                if organizer_key.is_empty() || organizer_key.contains('/') {
                    return None;
                }
                Route::Webinars {
                    organizer_key: organizer_key.to_owned(),
                }
            }
        };
        Some(route)
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
            Route::Webinars { .. } | Route::UpcomingMeetings => Family::Collab,
            _ => Family::Connect,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scoped_prefix_is_a_route() {
        for (prefix, _) in SCOPES {
            let path = if prefix.ends_with('/') {
                format!("{prefix}123/webinars")
            } else {
                (*prefix).to_owned()
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
