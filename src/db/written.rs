//! What a write of texts or settings did, for every domain that answers a `PUT` with
//! 201 (created), 200 (changed) or 200 with nothing written (the same texts again).

/// What a write did (a `PUT` of a translation, texts or settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// The row is new (a new language, the first settings).
    Created,
    /// The stored values changed.
    Changed,
    /// The same values were sent again: nothing was written.
    Unchanged,
}

impl Written {
    /// What writing `new` over `old` (if any) does.
    pub fn of<T: PartialEq>(old: Option<&T>, new: &T) -> Self {
        match old {
            None => Self::Created,
            Some(old) if old == new => Self::Unchanged,
            Some(_) => Self::Changed,
        }
    }

    /// Whether something was written.
    pub fn changed(self) -> bool {
        self != Self::Unchanged
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_translation_sent_again_writes_nothing() {
        assert_eq!(Written::of(None, &"a"), Written::Created);
        assert_eq!(Written::of(Some(&"a"), &"a"), Written::Unchanged);
        assert_eq!(Written::of(Some(&"a"), &"b"), Written::Changed);
        assert!(!Written::Unchanged.changed());
        assert!(Written::Created.changed() && Written::Changed.changed());
    }
}
