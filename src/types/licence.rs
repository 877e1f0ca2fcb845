//! Licences as SPDX identifiers, from a known list: Creative Commons first, then the
//! public-domain dedication and the licences union materials are also published under.

crate::vocabulary! {
    /// An SPDX licence identifier (`LicenseRef-` for what SPDX does not list).
    pub enum Licence {
        /// Creative Commons Attribution 4.0.
        CcBy4 => "CC-BY-4.0",
        /// Creative Commons Attribution-ShareAlike 4.0.
        CcBySa4 => "CC-BY-SA-4.0",
        /// Creative Commons Attribution-NonCommercial 4.0.
        CcByNc4 => "CC-BY-NC-4.0",
        /// Creative Commons Attribution-NonCommercial-ShareAlike 4.0.
        CcByNcSa4 => "CC-BY-NC-SA-4.0",
        /// Creative Commons Attribution-NoDerivatives 4.0.
        CcByNd4 => "CC-BY-ND-4.0",
        /// Creative Commons Attribution-NonCommercial-NoDerivatives 4.0.
        CcByNcNd4 => "CC-BY-NC-ND-4.0",
        /// Creative Commons Attribution 3.0 IGO (used by the ILO and other UN bodies).
        CcBy3Igo => "CC-BY-3.0-IGO",
        /// Creative Commons Attribution-NonCommercial-ShareAlike 3.0 IGO.
        CcByNcSa3Igo => "CC-BY-NC-SA-3.0-IGO",
        /// Creative Commons Zero: public-domain dedication.
        Cc0 => "CC0-1.0",
        /// GNU Free Documentation License 1.3 or later.
        Gfdl13 => "GFDL-1.3-or-later",
        /// Open Government Licence v3.0.
        Ogl3 => "OGL-UK-3.0",
        /// All rights reserved: shared with the holder's permission, no reuse granted.
        AllRightsReserved => "LicenseRef-All-Rights-Reserved",
    }
}

impl Licence {
    /// Whether the licence forbids derivative works (the `-ND` licences and all rights
    /// reserved): adapting material under it needs the holder's permission.
    pub fn forbids_derivatives(self) -> bool {
        matches!(
            self,
            Self::CcByNd4 | Self::CcByNcNd4 | Self::AllRightsReserved
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Licence;

    #[test]
    fn creative_commons_comes_first_and_spellings_are_spdx() {
        assert_eq!(Licence::ALL[0].as_str(), "CC-BY-4.0");
        assert_eq!(Licence::parse("CC-BY-NC-ND-4.0"), Some(Licence::CcByNcNd4));
        assert!(Licence::CcByNd4.forbids_derivatives());
        assert!(!Licence::CcBySa4.forbids_derivatives());
        assert_eq!(Licence::parse("cc-by-4.0"), None);
    }
}
