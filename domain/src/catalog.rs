//! Catalogues: regions, plans and countries.

use serde::{Deserialize, Serialize};

/// Where an organization's data is stored and processed. Chosen at creation,
/// never changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Region {
    EuCentral,
    EuNorth,
    ChWest,
    UsEast,
    UsWest,
}

impl Region {
    /// The catalogue, in display order.
    pub const ALL: [Region; 5] = [
        Self::EuCentral,
        Self::EuNorth,
        Self::ChWest,
        Self::UsEast,
        Self::UsWest,
    ];

    /// The wire id (`eu-central`).
    pub const fn id(self) -> &'static str {
        match self {
            Self::EuCentral => "eu-central",
            Self::EuNorth => "eu-north",
            Self::ChWest => "ch-west",
            Self::UsEast => "us-east",
            Self::UsWest => "us-west",
        }
    }

    /// The label people choose from.
    pub const fn label(self) -> &'static str {
        match self {
            Self::EuCentral => "European Union (Frankfurt)",
            Self::EuNorth => "European Union (Stockholm)",
            Self::ChWest => "Switzerland (Geneva)",
            Self::UsEast => "United States (Virginia)",
            Self::UsWest => "United States (Oregon)",
        }
    }

    /// The region closest to a browser's IANA time zone (`Europe/Zurich`), as a
    /// suggestion; the user still chooses. Unknown zones suggest nothing.
    pub fn suggest_for_time_zone(zone: &str) -> Option<Region> {
        let (area, city) = zone.split_once('/').unwrap_or((zone, ""));
        let region = match area {
            "Europe" => match city {
                "Zurich" | "Geneva" | "Vaduz" | "Busingen" => Self::ChWest,
                "Stockholm" | "Oslo" | "Helsinki" | "Copenhagen" | "Riga" | "Tallinn"
                | "Vilnius" | "Mariehamn" => Self::EuNorth,
                _ => Self::EuCentral,
            },
            "Atlantic" if matches!(city, "Reykjavik" | "Faroe") => Self::EuNorth,
            "Arctic" => Self::EuNorth,
            "Africa" | "Asia" | "Indian" => Self::EuCentral,
            "America" | "US" | "Canada" => match city {
                "Los_Angeles" | "Vancouver" | "Tijuana" | "Denver" | "Phoenix" | "Boise"
                | "Edmonton" | "Anchorage" | "Juneau" | "Sitka" | "Nome" | "Yakutat"
                | "Metlakatla" | "Whitehorse" | "Dawson" | "Pacific" | "Mountain" | "Arizona"
                | "Alaska" => Self::UsWest,
                _ => Self::UsEast,
            },
            "Pacific" | "Australia" => Self::UsWest,
            _ => return None,
        };
        Some(region)
    }
}

text_enum!(Region);

/// A text that is not one of a catalogue's ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnknownValue;

/// A plan: what an organization pays for, and how many members it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Plan {
    Hobby,
    Starter,
    Startup,
    Business,
    Enterprise,
}

impl Plan {
    /// The catalogue, smallest first.
    pub const ALL: [Plan; 5] = [
        Self::Hobby,
        Self::Starter,
        Self::Startup,
        Self::Business,
        Self::Enterprise,
    ];

    /// The plan of a new organization.
    pub const DEFAULT_FOR_ORGANIZATION: Plan = Plan::Starter;

    /// The plan of a personal account (it has exactly one member).
    pub const PERSONAL: Plan = Plan::Hobby;

    pub const fn id(self) -> &'static str {
        match self {
            Self::Hobby => "hobby",
            Self::Starter => "starter",
            Self::Startup => "startup",
            Self::Business => "business",
            Self::Enterprise => "enterprise",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Self::Hobby => "Hobby",
            Self::Starter => "Starter",
            Self::Startup => "Startup",
            Self::Business => "Business",
            Self::Enterprise => "Enterprise",
        }
    }

    /// Members plus pending invitations the plan holds; `None` is unlimited.
    pub const fn max_members(self) -> Option<u32> {
        match self {
            Self::Hobby => Some(1),
            Self::Starter => Some(3),
            Self::Startup => Some(6),
            Self::Business => Some(25),
            Self::Enterprise => None,
        }
    }
}

text_enum!(Plan);

/// ISO 3166-1 alpha-2 codes with their English short names, sorted by code.
pub const COUNTRIES: &[(&str, &str)] = &[
    ("AD", "Andorra"),
    ("AE", "United Arab Emirates"),
    ("AF", "Afghanistan"),
    ("AG", "Antigua and Barbuda"),
    ("AI", "Anguilla"),
    ("AL", "Albania"),
    ("AM", "Armenia"),
    ("AO", "Angola"),
    ("AQ", "Antarctica"),
    ("AR", "Argentina"),
    ("AS", "American Samoa"),
    ("AT", "Austria"),
    ("AU", "Australia"),
    ("AW", "Aruba"),
    ("AX", "Åland Islands"),
    ("AZ", "Azerbaijan"),
    ("BA", "Bosnia and Herzegovina"),
    ("BB", "Barbados"),
    ("BD", "Bangladesh"),
    ("BE", "Belgium"),
    ("BF", "Burkina Faso"),
    ("BG", "Bulgaria"),
    ("BH", "Bahrain"),
    ("BI", "Burundi"),
    ("BJ", "Benin"),
    ("BL", "Saint Barthélemy"),
    ("BM", "Bermuda"),
    ("BN", "Brunei"),
    ("BO", "Bolivia"),
    ("BQ", "Caribbean Netherlands"),
    ("BR", "Brazil"),
    ("BS", "Bahamas"),
    ("BT", "Bhutan"),
    ("BV", "Bouvet Island"),
    ("BW", "Botswana"),
    ("BY", "Belarus"),
    ("BZ", "Belize"),
    ("CA", "Canada"),
    ("CC", "Cocos (Keeling) Islands"),
    ("CD", "DR Congo"),
    ("CF", "Central African Republic"),
    ("CG", "Congo"),
    ("CH", "Switzerland"),
    ("CI", "Côte d'Ivoire"),
    ("CK", "Cook Islands"),
    ("CL", "Chile"),
    ("CM", "Cameroon"),
    ("CN", "China"),
    ("CO", "Colombia"),
    ("CR", "Costa Rica"),
    ("CU", "Cuba"),
    ("CV", "Cabo Verde"),
    ("CW", "Curaçao"),
    ("CX", "Christmas Island"),
    ("CY", "Cyprus"),
    ("CZ", "Czechia"),
    ("DE", "Germany"),
    ("DJ", "Djibouti"),
    ("DK", "Denmark"),
    ("DM", "Dominica"),
    ("DO", "Dominican Republic"),
    ("DZ", "Algeria"),
    ("EC", "Ecuador"),
    ("EE", "Estonia"),
    ("EG", "Egypt"),
    ("EH", "Western Sahara"),
    ("ER", "Eritrea"),
    ("ES", "Spain"),
    ("ET", "Ethiopia"),
    ("FI", "Finland"),
    ("FJ", "Fiji"),
    ("FK", "Falkland Islands"),
    ("FM", "Micronesia"),
    ("FO", "Faroe Islands"),
    ("FR", "France"),
    ("GA", "Gabon"),
    ("GB", "United Kingdom"),
    ("GD", "Grenada"),
    ("GE", "Georgia"),
    ("GF", "French Guiana"),
    ("GG", "Guernsey"),
    ("GH", "Ghana"),
    ("GI", "Gibraltar"),
    ("GL", "Greenland"),
    ("GM", "Gambia"),
    ("GN", "Guinea"),
    ("GP", "Guadeloupe"),
    ("GQ", "Equatorial Guinea"),
    ("GR", "Greece"),
    ("GS", "South Georgia and the South Sandwich Islands"),
    ("GT", "Guatemala"),
    ("GU", "Guam"),
    ("GW", "Guinea-Bissau"),
    ("GY", "Guyana"),
    ("HK", "Hong Kong"),
    ("HM", "Heard Island and McDonald Islands"),
    ("HN", "Honduras"),
    ("HR", "Croatia"),
    ("HT", "Haiti"),
    ("HU", "Hungary"),
    ("ID", "Indonesia"),
    ("IE", "Ireland"),
    ("IL", "Israel"),
    ("IM", "Isle of Man"),
    ("IN", "India"),
    ("IO", "British Indian Ocean Territory"),
    ("IQ", "Iraq"),
    ("IR", "Iran"),
    ("IS", "Iceland"),
    ("IT", "Italy"),
    ("JE", "Jersey"),
    ("JM", "Jamaica"),
    ("JO", "Jordan"),
    ("JP", "Japan"),
    ("KE", "Kenya"),
    ("KG", "Kyrgyzstan"),
    ("KH", "Cambodia"),
    ("KI", "Kiribati"),
    ("KM", "Comoros"),
    ("KN", "Saint Kitts and Nevis"),
    ("KP", "North Korea"),
    ("KR", "South Korea"),
    ("KW", "Kuwait"),
    ("KY", "Cayman Islands"),
    ("KZ", "Kazakhstan"),
    ("LA", "Laos"),
    ("LB", "Lebanon"),
    ("LC", "Saint Lucia"),
    ("LI", "Liechtenstein"),
    ("LK", "Sri Lanka"),
    ("LR", "Liberia"),
    ("LS", "Lesotho"),
    ("LT", "Lithuania"),
    ("LU", "Luxembourg"),
    ("LV", "Latvia"),
    ("LY", "Libya"),
    ("MA", "Morocco"),
    ("MC", "Monaco"),
    ("MD", "Moldova"),
    ("ME", "Montenegro"),
    ("MF", "Saint Martin"),
    ("MG", "Madagascar"),
    ("MH", "Marshall Islands"),
    ("MK", "North Macedonia"),
    ("ML", "Mali"),
    ("MM", "Myanmar"),
    ("MN", "Mongolia"),
    ("MO", "Macao"),
    ("MP", "Northern Mariana Islands"),
    ("MQ", "Martinique"),
    ("MR", "Mauritania"),
    ("MS", "Montserrat"),
    ("MT", "Malta"),
    ("MU", "Mauritius"),
    ("MV", "Maldives"),
    ("MW", "Malawi"),
    ("MX", "Mexico"),
    ("MY", "Malaysia"),
    ("MZ", "Mozambique"),
    ("NA", "Namibia"),
    ("NC", "New Caledonia"),
    ("NE", "Niger"),
    ("NF", "Norfolk Island"),
    ("NG", "Nigeria"),
    ("NI", "Nicaragua"),
    ("NL", "Netherlands"),
    ("NO", "Norway"),
    ("NP", "Nepal"),
    ("NR", "Nauru"),
    ("NU", "Niue"),
    ("NZ", "New Zealand"),
    ("OM", "Oman"),
    ("PA", "Panama"),
    ("PE", "Peru"),
    ("PF", "French Polynesia"),
    ("PG", "Papua New Guinea"),
    ("PH", "Philippines"),
    ("PK", "Pakistan"),
    ("PL", "Poland"),
    ("PM", "Saint Pierre and Miquelon"),
    ("PN", "Pitcairn Islands"),
    ("PR", "Puerto Rico"),
    ("PS", "Palestine"),
    ("PT", "Portugal"),
    ("PW", "Palau"),
    ("PY", "Paraguay"),
    ("QA", "Qatar"),
    ("RE", "Réunion"),
    ("RO", "Romania"),
    ("RS", "Serbia"),
    ("RU", "Russia"),
    ("RW", "Rwanda"),
    ("SA", "Saudi Arabia"),
    ("SB", "Solomon Islands"),
    ("SC", "Seychelles"),
    ("SD", "Sudan"),
    ("SE", "Sweden"),
    ("SG", "Singapore"),
    ("SH", "Saint Helena"),
    ("SI", "Slovenia"),
    ("SJ", "Svalbard and Jan Mayen"),
    ("SK", "Slovakia"),
    ("SL", "Sierra Leone"),
    ("SM", "San Marino"),
    ("SN", "Senegal"),
    ("SO", "Somalia"),
    ("SR", "Suriname"),
    ("SS", "South Sudan"),
    ("ST", "São Tomé and Príncipe"),
    ("SV", "El Salvador"),
    ("SX", "Sint Maarten"),
    ("SY", "Syria"),
    ("SZ", "Eswatini"),
    ("TC", "Turks and Caicos Islands"),
    ("TD", "Chad"),
    ("TF", "French Southern Territories"),
    ("TG", "Togo"),
    ("TH", "Thailand"),
    ("TJ", "Tajikistan"),
    ("TK", "Tokelau"),
    ("TL", "Timor-Leste"),
    ("TM", "Turkmenistan"),
    ("TN", "Tunisia"),
    ("TO", "Tonga"),
    ("TR", "Türkiye"),
    ("TT", "Trinidad and Tobago"),
    ("TV", "Tuvalu"),
    ("TW", "Taiwan"),
    ("TZ", "Tanzania"),
    ("UA", "Ukraine"),
    ("UG", "Uganda"),
    ("UM", "United States Minor Outlying Islands"),
    ("US", "United States"),
    ("UY", "Uruguay"),
    ("UZ", "Uzbekistan"),
    ("VA", "Vatican City"),
    ("VC", "Saint Vincent and the Grenadines"),
    ("VE", "Venezuela"),
    ("VG", "British Virgin Islands"),
    ("VI", "U.S. Virgin Islands"),
    ("VN", "Vietnam"),
    ("VU", "Vanuatu"),
    ("WF", "Wallis and Futuna"),
    ("WS", "Samoa"),
    ("YE", "Yemen"),
    ("YT", "Mayotte"),
    ("ZA", "South Africa"),
    ("ZM", "Zambia"),
    ("ZW", "Zimbabwe"),
];

/// The English name of an ISO 3166-1 alpha-2 code, if it is one.
pub fn country_name(code: &str) -> Option<&'static str> {
    COUNTRIES
        .binary_search_by(|(c, _)| (*c).cmp(code))
        .ok()
        .map(|i| COUNTRIES[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_are_the_249_iso_codes_sorted_and_unique() {
        assert_eq!(COUNTRIES.len(), 249);
        assert!(COUNTRIES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(COUNTRIES
            .iter()
            .all(|(c, _)| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())));
        assert_eq!(country_name("CH"), Some("Switzerland"));
        assert_eq!(country_name("XX"), None);
        assert_eq!(country_name("ch"), None);
    }

    #[test]
    fn region_ids_round_trip_through_text_and_serde() {
        for region in Region::ALL {
            assert_eq!(region.id().parse::<Region>(), Ok(region));
            assert_eq!(
                serde_json::to_string(&region).unwrap(),
                format!("\"{}\"", region.id())
            );
        }
        assert_eq!("mars-1".parse::<Region>(), Err(UnknownValue));
    }

    #[test]
    fn plan_limits_are_the_specs() {
        let limits: Vec<_> = Plan::ALL.iter().map(|p| p.max_members()).collect();
        assert_eq!(limits, [Some(1), Some(3), Some(6), Some(25), None]);
        assert_eq!(Plan::DEFAULT_FOR_ORGANIZATION, Plan::Starter);
        for plan in Plan::ALL {
            assert_eq!(plan.id().parse::<Plan>(), Ok(plan));
        }
    }

    #[test]
    fn time_zones_suggest_the_nearest_region() {
        let cases = [
            ("Europe/Berlin", Some(Region::EuCentral)),
            ("Europe/Paris", Some(Region::EuCentral)),
            ("Europe/Zurich", Some(Region::ChWest)),
            ("Europe/Stockholm", Some(Region::EuNorth)),
            ("Europe/Helsinki", Some(Region::EuNorth)),
            ("America/New_York", Some(Region::UsEast)),
            ("America/Chicago", Some(Region::UsEast)),
            ("America/Los_Angeles", Some(Region::UsWest)),
            ("America/Denver", Some(Region::UsWest)),
            ("Australia/Sydney", Some(Region::UsWest)),
            ("Asia/Tokyo", Some(Region::EuCentral)),
            ("UTC", None),
            ("", None),
        ];
        for (zone, region) in cases {
            assert_eq!(Region::suggest_for_time_zone(zone), region, "{zone}");
        }
    }
}
