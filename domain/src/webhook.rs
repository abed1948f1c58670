//! Webhooks (SPEC §11.3): which addresses may receive them, which events a hook wants,
//! and when a failed delivery is tried again.
//!
//! Nothing here resolves a name or reads a clock: the API layer resolves the host and
//! asks [`refusal`] about each address, and passes in how old a delivery is.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use chrono::Duration;
use url::{Host, Url};

use crate::error::FieldProblem;
use crate::event::EventKind;

/// The longest URL accepted.
pub const URL_MAX: usize = 2_000;

/// The most entries of `events` one hook may name.
pub const EVENTS_MAX: usize = 64;

/// How long a delivery is tried before it is marked failed.
pub const RETRY_WINDOW: Duration = Duration::hours(24);

/// Whether `value` names an event a hook can be sent: an event type (`idea.submit`) or a
/// bare command of a challenge or an idea (`submit`). The names are those of
/// [`EventKind::webhook_type`].
fn names_an_event(value: &str) -> bool {
    EventKind::all().any(|kind| {
        kind.webhook_type()
            .is_some_and(|event_type| event_type == value || kind.as_str() == value)
    })
}

/// A URL a hook may be registered with: `http` or `https`, a host, no user or password
/// (a secret in a URL ends up in logs), at most [`URL_MAX`] characters.
pub fn parse_url(value: &str) -> Result<Url, FieldProblem> {
    let value = value.trim();
    if value.is_empty() {
        return Err(FieldProblem::Required);
    }
    if value.chars().count() > URL_MAX {
        return Err(FieldProblem::TooLong { max: URL_MAX });
    }
    let url = Url::parse(value).map_err(|_| FieldProblem::NotAnAbsoluteUrl)?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(FieldProblem::NotHttp);
    }
    match url.host() {
        None | Some(Host::Domain("")) => return Err(FieldProblem::NoHost),
        Some(_) => {}
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(FieldProblem::CredentialsInUrl);
    }
    if url.fragment().is_some() {
        return Err(FieldProblem::FragmentInUrl);
    }
    Ok(url)
}

/// The address a URL names directly, when its host is an IP address rather than a name.
pub fn literal_address(url: &Url) -> Option<IpAddr> {
    match url.host()? {
        Host::Ipv4(address) => Some(IpAddr::V4(address)),
        Host::Ipv6(address) => Some(IpAddr::V6(address)),
        Host::Domain(_) => None,
    }
}

/// Reads the `events` of a hook: each entry is an event type (`idea.submit`) or a bare
/// command (`submit`, for that command on a challenge or an idea). Trimmed, deduplicated
/// and sorted; the entries that name no event are the error.
pub fn parse_events(values: &[String]) -> Result<Vec<String>, Vec<String>> {
    let mut unknown = Vec::new();
    let mut events: Vec<String> = Vec::with_capacity(values.len());
    for value in values {
        let value = value.trim();
        if names_an_event(value) {
            events.push(value.to_owned());
        } else {
            unknown.push(value.to_owned());
        }
    }
    if !unknown.is_empty() {
        return Err(unknown);
    }
    events.sort();
    events.dedup();
    Ok(events)
}

/// Whether a hook whose `events` are `wanted` receives `event_type` (`idea.submit`): every
/// event when it named none; else when it named the type or its bare command.
pub fn wants(wanted: &[String], event_type: &str) -> bool {
    if wanted.is_empty() {
        return true;
    }
    let command = event_type.split_once('.').map_or(event_type, |(_, command)| command);
    wanted.iter().any(|w| w == event_type || w == command)
}

/// What kind of address an IP address is, as far as sending to it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressClass {
    /// Reachable on the internet.
    Public,
    /// This machine (127.0.0.0/8, ::1).
    Loopback,
    /// A private network (RFC 1918, IPv6 unique local fc00::/7).
    Private,
    /// Carrier-grade NAT (100.64.0.0/10), as private as RFC 1918 in practice.
    Shared,
    /// Link-local (169.254.0.0/16 with cloud metadata services, fe80::/10).
    LinkLocal,
    /// No address (0.0.0.0/8, ::): connecting to it reaches this machine.
    Unspecified,
    /// Multicast or broadcast: not one receiver.
    Multicast,
    /// Set aside: documentation, benchmarking, protocol assignments, discard, future use.
    Reserved,
    /// An IPv6 address that a relay or translator carries on to an IPv4 address of its
    /// choosing (6to4 2002::/16, Teredo 2001::/32, local-use NAT64 64:ff9b:1::/48): where
    /// it ends up cannot be told from the address, so it is refused like a private one.
    Translated,
}

impl AddressClass {
    /// The words used in refusals and in the delivery log.
    pub fn describe(self) -> &'static str {
        match self {
            AddressClass::Public => "a public address",
            AddressClass::Loopback => "a loopback address",
            AddressClass::Private => "a private address",
            AddressClass::Shared => "a shared (carrier-grade NAT) address",
            AddressClass::LinkLocal => "a link-local address",
            AddressClass::Unspecified => "the unspecified address",
            AddressClass::Multicast => "a multicast or broadcast address",
            AddressClass::Reserved => "a reserved address",
            AddressClass::Translated => "an IPv6 address translated to IPv4 (6to4, Teredo or local NAT64)",
        }
    }

    /// Whether `--webhook-allow-private` lets hooks be sent to addresses of this class:
    /// those that lead to a network of one's own, not those that lead nowhere or everywhere.
    pub fn allowed_when_private_is(self) -> bool {
        match self {
            AddressClass::Public
            | AddressClass::Loopback
            | AddressClass::Private
            | AddressClass::Shared
            | AddressClass::LinkLocal
            | AddressClass::Translated => true,
            AddressClass::Unspecified | AddressClass::Multicast | AddressClass::Reserved => false,
        }
    }
}

/// The class of `address`. IPv4 addresses written as IPv6 (mapped `::ffff:10.0.0.1`,
/// translated `::ffff:0:10.0.0.1`, and the well-known NAT64 prefix 64:ff9b::/96) are
/// classed as the IPv4 address they carry.
pub fn classify(address: IpAddr) -> AddressClass {
    match address {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => match carried_v4(v6) {
            Some(v4) => classify_v4(v4),
            None => classify_v6(v6),
        },
    }
}

/// The IPv4 address an IPv6 address stands for, when its prefix says it carries one in
/// its last 32 bits and hands it on unchanged: IPv4-mapped (::ffff:0:0/96), IPv4-translated
/// (::ffff:0:0:0/96) and the well-known NAT64 prefix (64:ff9b::/96).
fn carried_v4(v6: Ipv6Addr) -> Option<Ipv4Addr> {
    let segments = v6.segments();
    let carries = matches!(
        segments[..6],
        [0, 0, 0, 0, 0, 0xffff] | [0, 0, 0, 0, 0xffff, 0] | [0x64, 0xff9b, 0, 0, 0, 0]
    );
    carries.then(|| {
        let [a, b] = segments[6].to_be_bytes();
        let [c, d] = segments[7].to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    })
}

fn classify_v4(v4: Ipv4Addr) -> AddressClass {
    let [a, b, c, _] = v4.octets();
    if v4.is_loopback() {
        AddressClass::Loopback
    } else if a == 0 {
        AddressClass::Unspecified
    } else if v4.is_private() {
        AddressClass::Private
    } else if a == 100 && (64..128).contains(&b) {
        AddressClass::Shared
    } else if v4.is_link_local() {
        AddressClass::LinkLocal
    } else if v4.is_multicast() || v4.is_broadcast() {
        AddressClass::Multicast
    } else if a >= 240
        || (a == 192 && b == 0 && c == 0)
        || (a == 192 && b == 0 && c == 2)
        || (a == 192 && b == 88 && c == 99)
        || (a == 198 && (b == 18 || b == 19))
        || (a == 198 && b == 51 && c == 100)
        || (a == 203 && b == 0 && c == 113)
    {
        AddressClass::Reserved
    } else {
        AddressClass::Public
    }
}

fn classify_v6(v6: Ipv6Addr) -> AddressClass {
    let [first, second, third, ..] = v6.segments();
    if v6.is_loopback() {
        AddressClass::Loopback
    } else if v6.is_unspecified() {
        AddressClass::Unspecified
    } else if first & 0xfe00 == 0xfc00 || first & 0xffc0 == 0xfec0 {
        // Unique local fc00::/7, and the deprecated site-local fec0::/10.
        AddressClass::Private
    } else if first & 0xffc0 == 0xfe80 {
        AddressClass::LinkLocal
    } else if v6.is_multicast() {
        AddressClass::Multicast
    } else if first == 0x2002 || (first == 0x2001 && second == 0) || (first == 0x64 && second == 0xff9b && third == 1) {
        AddressClass::Translated
    } else if is_reserved_v6(v6) {
        AddressClass::Reserved
    } else {
        AddressClass::Public
    }
}

/// IPv6 ranges set aside: all outside the global unicast 2000::/3 that are not taken
/// before (so IPv4-compatible ::/96 and the rest of ::/8, discard-only 100::/64, segment
/// routing 5f00::/16), the IETF protocol assignments 2001::/23, and documentation
/// 2001:db8::/32 and 3fff::/20.
fn is_reserved_v6(v6: Ipv6Addr) -> bool {
    let [first, second, ..] = v6.segments();
    first & 0xe000 != 0x2000
        || (first == 0x2001 && second < 0x0200)
        || (first == 0x2001 && second == 0x0db8)
        || (first == 0x3fff && second & 0xf000 == 0)
}

/// Why a hook may not be sent to `address`, or `None` when it may. With `allow_private`
/// (a test bench or an intranet receiver) private, loopback, shared, link-local and
/// translated addresses are allowed; the unspecified address, multicast and reserved
/// ranges never are.
pub fn refusal(address: IpAddr, allow_private: bool) -> Option<AddressClass> {
    let class = classify(address);
    let allowed = class == AddressClass::Public || (allow_private && class.allowed_when_private_is());
    (!allowed).then_some(class)
}

/// What happens after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Try again after this long.
    After(Duration),
    /// The window has passed: the delivery has failed.
    GiveUp,
}

/// The waits after the first, second, … failure; the last repeats.
const BACKOFF_SECONDS: [i64; 9] = [30, 60, 120, 300, 600, 1_800, 3_600, 7_200, 14_400];

/// After the `failures`-th failed attempt (1 for the first) of a delivery that was
/// created `age` ago: the wait grows from 30 seconds to 4 hours; once [`RETRY_WINDOW`] has
/// passed it gives up. The last wait is cut so that one attempt falls at the window's end.
pub fn after_failure(age: Duration, failures: u32) -> Retry {
    if age >= RETRY_WINDOW {
        return Retry::GiveUp;
    }
    let index = (failures.max(1) as usize - 1).min(BACKOFF_SECONDS.len() - 1);
    let wait = Duration::seconds(BACKOFF_SECONDS[index]);
    Retry::After(wait.min(RETRY_WINDOW - age))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn http_and_https_urls_with_a_host_are_accepted() {
        for good in [
            "https://hooks.example.org/sluss",
            "http://example.org:8080/in?x=1",
            "  https://[2001:4860::8888]/hook ",
            "http://93.184.216.34/",
        ] {
            assert!(parse_url(good).is_ok(), "{good} was refused");
        }
    }

    #[test]
    fn urls_of_other_schemes_are_refused() {
        for bad in [
            "ftp://example.org/",
            "file:///etc/passwd",
            "gopher://example.org",
            "javascript:alert(1)",
        ] {
            assert_eq!(parse_url(bad), Err(FieldProblem::NotHttp), "{bad}");
        }
    }

    #[test]
    fn what_is_not_an_absolute_url_is_refused() {
        for bad in ["example.org/hook", "/hooks", "https://", "http://exa mple.org/"] {
            assert!(parse_url(bad).is_err(), "{bad} was accepted");
        }
        assert_eq!(parse_url("  "), Err(FieldProblem::Required));
    }

    #[test]
    fn urls_with_credentials_a_fragment_or_too_long_are_refused() {
        assert!(parse_url("https://user:pass@example.org/").is_err());
        assert!(parse_url("https://user@example.org/").is_err());
        assert!(parse_url("https://example.org/#part").is_err());
        let long = format!("https://example.org/{}", "a".repeat(URL_MAX));
        assert_eq!(parse_url(&long), Err(FieldProblem::TooLong { max: URL_MAX }));
        assert_eq!(
            parse_url(&long).unwrap_err().to_string(),
            "must be at most 2000 characters"
        );
    }

    #[test]
    fn a_literal_address_is_read_from_the_url() {
        let url = parse_url("http://[::1]:9000/").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(literal_address(&url), Some(ip("::1")));
        let url = parse_url("http://10.1.2.3/").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(literal_address(&url), Some(ip("10.1.2.3")));
        let url = parse_url("http://example.org/").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(literal_address(&url), None);
    }

    #[test]
    fn events_are_types_or_bare_commands_sorted_once() {
        let events = parse_events(&[
            "idea.submit".to_owned(),
            " challenge.publish ".to_owned(),
            "decide".to_owned(),
            "idea.submit".to_owned(),
        ]);
        assert_eq!(
            events,
            Ok(vec![
                "challenge.publish".to_owned(),
                "decide".to_owned(),
                "idea.submit".to_owned()
            ])
        );
        assert_eq!(parse_events(&[]), Ok(Vec::new()));
    }

    #[test]
    fn unknown_event_names_are_the_error() {
        assert_eq!(
            parse_events(&[
                "idea.submit".to_owned(),
                "challenge.decide".to_owned(),
                "arena.open".to_owned(),
                "explode".to_owned(),
            ]),
            Err(vec![
                "challenge.decide".to_owned(),
                "arena.open".to_owned(),
                "explode".to_owned()
            ])
        );
    }

    #[test]
    fn a_hook_wants_what_it_named_or_everything() {
        assert!(wants(&[], "challenge.create"));
        let named = vec!["challenge.publish".to_owned(), "decide".to_owned()];
        assert!(wants(&named, "challenge.publish"));
        assert!(wants(&named, "idea.decide"));
        assert!(!wants(&named, "idea.publish"));
        assert!(!wants(&named, "challenge.submit"));
    }

    #[test]
    fn public_addresses_are_allowed() {
        for good in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
        ] {
            assert_eq!(classify(ip(good)), AddressClass::Public, "{good}");
            assert_eq!(refusal(ip(good), false), None, "{good}");
        }
    }

    #[test]
    fn each_kind_of_internal_address_is_refused() {
        for (bad, class) in [
            ("127.0.0.1", AddressClass::Loopback),
            ("127.8.9.10", AddressClass::Loopback),
            ("::1", AddressClass::Loopback),
            ("::ffff:127.0.0.1", AddressClass::Loopback),
            ("10.0.0.1", AddressClass::Private),
            ("172.16.5.4", AddressClass::Private),
            ("192.168.1.1", AddressClass::Private),
            ("fd12:3456::1", AddressClass::Private),
            ("64:ff9b::a00:1", AddressClass::Private),
            ("100.64.0.1", AddressClass::Shared),
            ("169.254.169.254", AddressClass::LinkLocal),
            ("fe80::1", AddressClass::LinkLocal),
            ("0.0.0.0", AddressClass::Unspecified),
            ("::", AddressClass::Unspecified),
            ("224.0.0.1", AddressClass::Multicast),
            ("255.255.255.255", AddressClass::Multicast),
            ("ff02::1", AddressClass::Multicast),
            ("192.0.2.7", AddressClass::Reserved),
            ("240.0.0.1", AddressClass::Reserved),
            ("2001:db8::1", AddressClass::Reserved),
        ] {
            assert_eq!(classify(ip(bad)), class, "{bad}");
            assert_eq!(refusal(ip(bad), false), Some(class), "{bad}");
        }
    }

    #[test]
    fn ipv6_forms_of_internal_ipv4_and_transition_ranges_are_refused() {
        for (bad, class) in [
            // IPv4-mapped and IPv4-translated: judged by the IPv4 address they carry
            ("::ffff:10.0.0.1", AddressClass::Private),
            ("::ffff:169.254.169.254", AddressClass::LinkLocal),
            ("::ffff:0.0.0.0", AddressClass::Unspecified),
            ("::ffff:0:127.0.0.1", AddressClass::Loopback),
            ("::ffff:0:192.168.0.1", AddressClass::Private),
            // NAT64, well-known prefix: judged by the IPv4 address it carries
            ("64:ff9b::127.0.0.1", AddressClass::Loopback),
            ("64:ff9b::169.254.169.254", AddressClass::LinkLocal),
            ("64:ff9b::100.64.0.1", AddressClass::Shared),
            // NAT64 local-use prefix, 6to4 and Teredo: carried on to any IPv4 address
            ("64:ff9b:1::a00:1", AddressClass::Translated),
            ("64:ff9b:1:ffff::808:808", AddressClass::Translated),
            ("2002:7f00:1::1", AddressClass::Translated),
            ("2002:a00:1::", AddressClass::Translated),
            ("2002:808:808::1", AddressClass::Translated),
            ("2001:0:4136:e378:8000:63bf:3fff:fdd2", AddressClass::Translated),
            // site-local, the deprecated private range
            ("fec0::1", AddressClass::Private),
            ("feff:ffff::1", AddressClass::Private),
            // :: and ::1 exactly; IPv4-compatible ::/96 and the rest of ::/8
            ("::", AddressClass::Unspecified),
            ("::1", AddressClass::Loopback),
            ("::127.0.0.1", AddressClass::Reserved),
            ("::10.0.0.1", AddressClass::Reserved),
            ("::8.8.8.8", AddressClass::Reserved),
            ("::2", AddressClass::Reserved),
            ("0:0:0:0:1::1", AddressClass::Reserved),
            ("ff::1", AddressClass::Reserved),
            // discard-only, IETF protocol assignments, documentation, segment routing
            ("100::1", AddressClass::Reserved),
            ("100::ffff:ffff:ffff:ffff", AddressClass::Reserved),
            ("64:ff9b:2::1", AddressClass::Reserved),
            ("64:ff9a::808:808", AddressClass::Reserved),
            ("::ffff:0:0:808:808", AddressClass::Reserved),
            ("4000::1", AddressClass::Reserved),
            ("2001:2::1", AddressClass::Reserved),
            ("2001:10::1", AddressClass::Reserved),
            ("2001:db8:1::1", AddressClass::Reserved),
            ("3fff:fff::1", AddressClass::Reserved),
            ("5f00::1", AddressClass::Reserved),
            // IPv4: the 6to4 relay anycast range
            ("192.88.99.1", AddressClass::Reserved),
        ] {
            assert_eq!(classify(ip(bad)), class, "{bad}");
            assert_eq!(refusal(ip(bad), false), Some(class), "{bad}");
        }
    }

    #[test]
    fn the_neighbours_of_the_refused_ipv6_ranges_are_public() {
        for good in [
            "2001:200::1",
            "2003::1",
            "3fff:1000::1",
            "3ffe::1",
            "2001:db9::1",
            "::ffff:0:808:808",
            "64:ff9b::808:808",
        ] {
            assert_eq!(classify(ip(good)), AddressClass::Public, "{good}");
            assert_eq!(refusal(ip(good), false), None, "{good}");
        }
    }

    #[test]
    fn allowing_private_addresses_allows_the_translated_ones() {
        for allowed in ["64:ff9b:1::a00:1", "2002:a00:1::", "fec0::1", "::ffff:0:10.0.0.1"] {
            assert_eq!(refusal(ip(allowed), true), None, "{allowed}");
        }
        for refused in ["100::1", "::10.0.0.1", "5f00::1"] {
            assert!(refusal(ip(refused), true).is_some(), "{refused}");
        }
    }

    #[test]
    fn allowing_private_addresses_never_allows_the_unspecified_multicast_or_reserved() {
        for allowed in ["127.0.0.1", "::1", "10.0.0.1", "fd00::1", "100.64.0.1", "169.254.1.1"] {
            assert_eq!(refusal(ip(allowed), true), None, "{allowed}");
        }
        for refused in ["0.0.0.0", "::", "224.0.0.1", "192.0.2.1"] {
            assert!(refusal(ip(refused), true).is_some(), "{refused}");
        }
    }

    #[test]
    fn the_wait_grows_and_then_repeats() {
        let young = Duration::minutes(1);
        assert_eq!(after_failure(young, 1), Retry::After(Duration::seconds(30)));
        assert_eq!(after_failure(young, 2), Retry::After(Duration::seconds(60)));
        assert_eq!(after_failure(young, 9), Retry::After(Duration::hours(4)));
        assert_eq!(after_failure(young, 40), Retry::After(Duration::hours(4)));
    }

    #[test]
    fn the_last_wait_ends_at_the_window_and_then_it_gives_up() {
        assert_eq!(after_failure(Duration::hours(23), 12), Retry::After(Duration::hours(1)));
        assert_eq!(after_failure(RETRY_WINDOW, 1), Retry::GiveUp);
        assert_eq!(after_failure(Duration::hours(30), 20), Retry::GiveUp);
    }
}
