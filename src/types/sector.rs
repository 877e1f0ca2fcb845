//! Economic sectors: the sections of ISIC Rev.4 (the UN's International Standard Industrial
//! Classification), a closed vocabulary shared by organisations and training needs.

crate::vocabulary! {
    /// A section of ISIC Rev.4, by its stable letter.
    pub enum IsicSection {
        /// Agriculture, forestry and fishing.
        A => "A",
        /// Mining and quarrying.
        B => "B",
        /// Manufacturing.
        C => "C",
        /// Electricity, gas, steam and air conditioning supply.
        D => "D",
        /// Water supply; sewerage, waste management and remediation.
        E => "E",
        /// Construction.
        F => "F",
        /// Wholesale and retail trade; repair of motor vehicles and motorcycles.
        G => "G",
        /// Transportation and storage.
        H => "H",
        /// Accommodation and food service activities.
        I => "I",
        /// Information and communication.
        J => "J",
        /// Financial and insurance activities.
        K => "K",
        /// Real estate activities.
        L => "L",
        /// Professional, scientific and technical activities.
        M => "M",
        /// Administrative and support service activities.
        N => "N",
        /// Public administration and defence; compulsory social security.
        O => "O",
        /// Education.
        P => "P",
        /// Human health and social work activities.
        Q => "Q",
        /// Arts, entertainment and recreation.
        R => "R",
        /// Other service activities.
        S => "S",
        /// Activities of households as employers (domestic work).
        T => "T",
        /// Activities of extraterritorial organisations and bodies.
        U => "U",
    }
}

/// Words of free-text sectors and their section, the first match winning: the table the
/// migration `2026-12-05-000042_organisation_sectors` maps existing organisations with (a
/// unit test keeps the two alike).
const SECTOR_WORDS: &[(&str, IsicSection)] = &[
    ("domestic", IsicSection::T),
    ("household", IsicSection::T),
    ("agricultur", IsicSection::A),
    ("plantation", IsicSection::A),
    ("farm", IsicSection::A),
    ("fisher", IsicSection::A),
    ("fishing", IsicSection::A),
    ("forest", IsicSection::A),
    ("sugar", IsicSection::A),
    ("mining", IsicSection::B),
    ("quarr", IsicSection::B),
    ("oil_and_gas", IsicSection::B),
    ("manufactur", IsicSection::C),
    ("garment", IsicSection::C),
    ("textile", IsicSection::C),
    ("electronic", IsicSection::C),
    ("factory", IsicSection::C),
    ("metal", IsicSection::C),
    ("automotive", IsicSection::C),
    ("food_processing", IsicSection::C),
    ("electricity", IsicSection::D),
    ("energy", IsicSection::D),
    ("power", IsicSection::D),
    ("water", IsicSection::E),
    ("waste", IsicSection::E),
    ("construction", IsicSection::F),
    ("building", IsicSection::F),
    ("retail", IsicSection::G),
    ("commerce", IsicSection::G),
    ("wholesale", IsicSection::G),
    ("transport", IsicSection::H),
    ("logistic", IsicSection::H),
    ("maritime", IsicSection::H),
    ("seafar", IsicSection::H),
    ("railway", IsicSection::H),
    ("dock", IsicSection::H),
    ("ports", IsicSection::H),
    ("aviation", IsicSection::H),
    ("delivery", IsicSection::H),
    ("rider", IsicSection::H),
    ("ride_hailing", IsicSection::H),
    ("hospitality", IsicSection::I),
    ("hotel", IsicSection::I),
    ("restaurant", IsicSection::I),
    ("tourism", IsicSection::I),
    ("telecom", IsicSection::J),
    ("media", IsicSection::J),
    ("information", IsicSection::J),
    ("communication", IsicSection::J),
    ("bpo", IsicSection::J),
    ("financ", IsicSection::K),
    ("bank", IsicSection::K),
    ("insurance", IsicSection::K),
    ("real_estate", IsicSection::L),
    ("professional", IsicSection::M),
    ("scientific", IsicSection::M),
    ("research", IsicSection::M),
    ("security", IsicSection::N),
    ("cleaning", IsicSection::N),
    ("administrative", IsicSection::N),
    ("public_admin", IsicSection::O),
    ("public_service", IsicSection::O),
    ("public_sector", IsicSection::O),
    ("civil_service", IsicSection::O),
    ("government", IsicSection::O),
    ("municipal", IsicSection::O),
    ("local_government", IsicSection::O),
    ("education", IsicSection::P),
    ("teach", IsicSection::P),
    ("school", IsicSection::P),
    ("universit", IsicSection::P),
    ("health", IsicSection::Q),
    ("nurs", IsicSection::Q),
    ("hospital", IsicSection::Q),
    ("social_work", IsicSection::Q),
    ("caretak", IsicSection::Q),
    ("care_work", IsicSection::Q),
    ("entertainment", IsicSection::R),
    ("culture", IsicSection::R),
    ("artist", IsicSection::R),
    ("sport", IsicSection::R),
    ("extraterritorial", IsicSection::U),
];

impl IsicSection {
    /// The section a free-text sector word names (`transport`, `domestic_work`), when one
    /// of the known words is in it; `None` for words that cut across sections
    /// (`platform_work`, `informal_economy`).
    pub fn from_sector_word(sector: &str) -> Option<Self> {
        let sector = sector.to_lowercase();
        SECTOR_WORDS
            .iter()
            .find(|(word, _)| sector.contains(word))
            .map(|(_, section)| *section)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_words_map_to_their_section() {
        let cases = [
            ("transport", Some(IsicSection::H)),
            ("domestic_work", Some(IsicSection::T)),
            ("education", Some(IsicSection::P)),
            ("health", Some(IsicSection::Q)),
            ("hospitality", Some(IsicSection::I)),
            ("public_services", Some(IsicSection::O)),
            ("garments", Some(IsicSection::C)),
            ("construction", Some(IsicSection::F)),
            ("agriculture", Some(IsicSection::A)),
            ("fisheries", Some(IsicSection::A)),
            ("finance", Some(IsicSection::K)),
            ("mining", Some(IsicSection::B)),
            ("platform_work", None),
            ("informal_economy", None),
        ];
        for (word, section) in cases {
            assert_eq!(IsicSection::from_sector_word(word), section, "{word}");
        }
        assert_eq!(IsicSection::ALL.len(), 21);
    }

    /// The migration maps with the same words in the same order.
    #[test]
    fn the_migration_uses_the_same_table() {
        for db in [
            include_str!("../../migrations/sqlite/2026-12-05-000042_organisation_sectors/up.sql"),
            include_str!("../../migrations/postgres/2026-12-05-000042_organisation_sectors/up.sql"),
        ] {
            let expected: Vec<String> = SECTOR_WORDS
                .iter()
                .map(|(w, s)| format!("WHEN LOWER(sector) LIKE '%{w}%' THEN '{s}'"))
                .collect();
            let found: Vec<String> = db
                .lines()
                .map(str::trim)
                .filter(|l| l.starts_with("WHEN "))
                .map(str::to_owned)
                .collect();
            assert_eq!(found, expected);
        }
    }
}
