//! The words of the dashboards' pictures (SVG charts and the printable report) in each
//! language they are written in: a small catalogue, one [`Words`] per language, English
//! the fallback. The language is chosen by the one negotiation (`http::language`:
//! `?lang=` > `Accept-Language` > the reader's `preferred_language`) among
//! [`LANGUAGES`]; figures, names and codes are never translated.
//!
//! The Filipino, Indonesian and Tetum texts are first drafts, to be read by native
//! speakers before a programme's report is published in them.

/// The languages the pictures are written in, English (the fallback) first.
pub const LANGUAGES: [&str; 4] = ["en", "fil", "id", "tet"];

/// Every word of the pictures in one language.
#[derive(Debug)]
pub struct Words {
    pub lang: &'static str,
    pub funnel: &'static str,
    pub funnel_desc: &'static str,
    /// Nominated, selected, enrolled, started, completed, certified, followed up.
    pub stages: [&'static str; 7],
    pub levels: &'static str,
    pub levels_desc: &'static str,
    /// Level 1 to 4.
    pub level_names: [&'static str; 4],
    pub response_rate: &'static str,
    pub mean_rating: &'static str,
    pub mean_pre: &'static str,
    pub mean_post: &'static str,
    pub mean_gain: &'static str,
    pub with_plan: &'static str,
    pub checked_in: &'static str,
    pub applied: &'static str,
    pub confirmed: &'static str,
    pub recruited: &'static str,
    pub agreements: &'static str,
    pub policies: &'static str,
    pub trainings: &'static str,
    pub targets: &'static str,
    pub targets_desc: &'static str,
    /// Women, under 35, completed, participants, countries, other.
    pub target_labels: [&'static str; 6],
    pub by_country: &'static str,
    pub by_gender: &'static str,
    pub by_age: &'static str,
    pub by_union: &'static str,
    pub by_sector: &'static str,
    pub breakdown_desc: &'static str,
    pub unions_desc: &'static str,
    /// not_stated, female, male, non_binary, other, under_25, 25_34, 35_44, 45_54, 55_plus.
    pub values: [&'static str; 10],
    pub report: &'static str,
    pub participants: &'static str,
    pub withheld: &'static str,
    pub note_withheld: &'static str,
    pub note_restricted: &'static str,
    pub reach: &'static str,
    pub reach_intro: &'static str,
    pub participation: &'static str,
    pub participation_intro: &'static str,
    pub four_levels: &'static str,
    pub four_levels_intro: &'static str,
    /// Figure, target, reached, met.
    pub target_headers: [&'static str; 4],
    pub yes: &'static str,
    pub no: &'static str,
    /// Level, measure, value.
    pub level_headers: [&'static str; 3],
    /// Stage, people.
    pub funnel_headers: [&'static str; 2],
    pub country: &'static str,
    pub gender: &'static str,
    pub age_band: &'static str,
    pub sector: &'static str,
    pub union: &'static str,
    pub results_by_union: &'static str,
    pub results_by_country: &'static str,
    /// Reports, members recruited, agreements signed, agreements improved, policies
    /// adopted, trainings run.
    pub indicator_headers: [&'static str; 6],
}

/// The words in `lang` (one of [`LANGUAGES`]), English for any other.
pub fn words(lang: &str) -> &'static Words {
    match lang {
        "fil" => &FIL,
        "id" => &ID,
        "tet" => &TET,
        _ => &EN,
    }
}

impl Words {
    /// The label of a breakdown's value (`not_stated`, `female`, `under_25`, …); country
    /// codes, ISIC sections and anything unknown are shown as they are.
    pub fn value(&self, value: &str) -> String {
        const KEYS: [&str; 10] = [
            "not_stated",
            "female",
            "male",
            "non_binary",
            "other",
            "under_25",
            "25_34",
            "35_44",
            "45_54",
            "55_plus",
        ];
        KEYS.iter()
            .position(|k| *k == value)
            .map_or_else(|| value.to_owned(), |i| self.values[i].to_owned())
    }
}

/// English.
pub static EN: Words = Words {
    lang: "en",
    funnel: "participation funnel",
    funnel_desc: "Distinct people at each stage (each counts who reached it or a later one); withheld stages have fewer than five people or would give such a stage away.",
    stages: ["Nominated", "Selected", "Enrolled", "Started", "Completed", "Certified", "Followed up"],
    levels: "the four levels",
    levels_desc: "Kirkpatrick's levels: reaction surveys, pre/post tests, follow-up of action plans, and the indicators the unions reported.",
    level_names: ["Level 1 · Reaction", "Level 2 · Learning", "Level 3 · Behaviour", "Level 4 · Results (unions' reports)"],
    response_rate: "Response rate",
    mean_rating: "Mean rating (share of the scale)",
    mean_pre: "Mean pre-test score",
    mean_post: "Mean post-test score",
    mean_gain: "Mean normalised gain",
    with_plan: "Participants with an action plan",
    checked_in: "Check-in response rate (due check-ins reported)",
    applied: "Plan holders who applied a step",
    confirmed: "Plan holders confirmed by their leader",
    recruited: "Members recruited",
    agreements: "Agreements signed or improved",
    policies: "Policies adopted",
    trainings: "Trainings run by the unions",
    targets: "representativeness and completion",
    targets_desc: "Shares of the participants; a marker shows the programme's target.",
    target_labels: ["Women", "Under 35", "Completed", "Participants", "Countries", "Other"],
    by_country: "participants by country",
    by_gender: "participants by gender",
    by_age: "participants by age band",
    by_union: "participants by union",
    by_sector: "participants by sector (ISIC section)",
    breakdown_desc: "Distinct participants; withheld cells have fewer than five people or would give one away.",
    unions_desc: "Distinct participants by the union that nominated them.",
    values: ["Not stated", "Female", "Male", "Non-binary", "Other", "Under 25", "25–34", "35–44", "45–54", "55 and over"],
    report: "Evaluation report",
    participants: "participants",
    withheld: "withheld",
    note_withheld: "Cells of fewer than {n} people, and cells that would give one away from a total, are withheld.",
    note_restricted: "Only the participants of the reader's own unions are counted.",
    reach: "Reach and representativeness",
    reach_intro: "Who took part: countries, gender, age and unions, against the programme's targets.",
    participation: "Participation",
    participation_intro: "From nomination to follow-up.",
    four_levels: "The four levels",
    four_levels_intro: "Reaction (level 1), learning (level 2), behaviour (level 3) and the unions' results (level 4).",
    target_headers: ["Figure", "Target", "Reached", "Met"],
    yes: "yes",
    no: "no",
    level_headers: ["Level", "Measure", "Value"],
    funnel_headers: ["Stage", "People"],
    country: "Country",
    gender: "Gender",
    age_band: "Age band",
    sector: "Sector",
    union: "Union",
    results_by_union: "Results by union",
    results_by_country: "Results by country",
    indicator_headers: ["Reports", "Members recruited", "Agreements signed", "Agreements improved", "Policies adopted", "Trainings run"],
};

/// Filipino.
pub static FIL: Words = Words {
    lang: "fil",
    funnel: "daloy ng paglahok",
    funnel_desc: "Bilang ng mga tao sa bawat yugto (kasama ang umabot sa mas huling yugto); itinatago ang yugtong may kulang sa limang tao o makapagbubunyag nito.",
    stages: ["Hinirang", "Napili", "Naka-enrol", "Nagsimula", "Nakatapos", "May sertipiko", "Na-follow up"],
    levels: "ang apat na antas",
    levels_desc: "Mga antas ni Kirkpatrick: mga survey ng reaksyon, pre/post test, follow-up ng mga action plan, at mga indicator na iniulat ng mga unyon.",
    level_names: ["Antas 1 · Reaksyon", "Antas 2 · Pagkatuto", "Antas 3 · Pag-uugali", "Antas 4 · Resulta (ulat ng mga unyon)"],
    response_rate: "Antas ng pagtugon",
    mean_rating: "Karaniwang marka (bahagi ng iskala)",
    mean_pre: "Karaniwang marka sa pre-test",
    mean_post: "Karaniwang marka sa post-test",
    mean_gain: "Karaniwang normalised gain",
    with_plan: "Mga kalahok na may action plan",
    checked_in: "Naiulat na check-in na dapat na",
    applied: "May plano na naisagawa ang isang hakbang",
    confirmed: "May plano na kinumpirma ng lider",
    recruited: "Mga bagong kasapi",
    agreements: "Mga kasunduang nilagdaan o pinabuti",
    policies: "Mga patakarang pinagtibay",
    trainings: "Mga pagsasanay ng mga unyon",
    targets: "representasyon at pagtatapos",
    targets_desc: "Bahagi ng mga kalahok; ipinapakita ng marka ang target ng programa.",
    target_labels: ["Kababaihan", "Wala pang 35", "Nakatapos", "Mga kalahok", "Mga bansa", "Iba pa"],
    by_country: "mga kalahok ayon sa bansa",
    by_gender: "mga kalahok ayon sa kasarian",
    by_age: "mga kalahok ayon sa edad",
    by_union: "mga kalahok ayon sa unyon",
    by_sector: "mga kalahok ayon sa sektor (seksyon ng ISIC)",
    breakdown_desc: "Bilang ng mga kalahok; itinatago ang selulang may kulang sa limang tao o makapagbubunyag nito.",
    unions_desc: "Bilang ng mga kalahok ayon sa unyong humirang sa kanila.",
    values: ["Hindi sinabi", "Babae", "Lalaki", "Non-binary", "Iba pa", "Wala pang 25", "25–34", "35–44", "45–54", "55 pataas"],
    report: "Ulat ng pagsusuri",
    participants: "kalahok",
    withheld: "itinago",
    note_withheld: "Itinatago ang mga selulang may kulang sa {n} tao, at ang mga makapagbubunyag nito mula sa kabuuan.",
    note_restricted: "Ang mga kalahok lamang ng sariling unyon ng mambabasa ang binibilang.",
    reach: "Abot at representasyon",
    reach_intro: "Sino ang lumahok: mga bansa, kasarian, edad at unyon, laban sa mga target ng programa.",
    participation: "Paglahok",
    participation_intro: "Mula sa paghirang hanggang sa follow-up.",
    four_levels: "Ang apat na antas",
    four_levels_intro: "Reaksyon (antas 1), pagkatuto (antas 2), pag-uugali (antas 3) at mga resulta ng mga unyon (antas 4).",
    target_headers: ["Sukatan", "Target", "Naabot", "Natupad"],
    yes: "oo",
    no: "hindi",
    level_headers: ["Antas", "Sukatan", "Halaga"],
    funnel_headers: ["Yugto", "Mga tao"],
    country: "Bansa",
    gender: "Kasarian",
    age_band: "Edad",
    sector: "Sektor",
    union: "Unyon",
    results_by_union: "Mga resulta ayon sa unyon",
    results_by_country: "Mga resulta ayon sa bansa",
    indicator_headers: ["Mga ulat", "Mga bagong kasapi", "Mga kasunduang nilagdaan", "Mga kasunduang pinabuti", "Mga patakarang pinagtibay", "Mga pagsasanay"],
};

/// Bahasa Indonesia.
pub static ID: Words = Words {
    lang: "id",
    funnel: "corong partisipasi",
    funnel_desc: "Jumlah orang di setiap tahap (termasuk yang mencapai tahap berikutnya); tahap yang disembunyikan berisi kurang dari lima orang atau dapat mengungkapkannya.",
    stages: ["Dinominasikan", "Terpilih", "Terdaftar", "Memulai", "Selesai", "Bersertifikat", "Ditindaklanjuti"],
    levels: "empat tingkat",
    levels_desc: "Tingkat Kirkpatrick: survei reaksi, tes awal/akhir, tindak lanjut rencana aksi, dan indikator yang dilaporkan serikat.",
    level_names: ["Tingkat 1 · Reaksi", "Tingkat 2 · Pembelajaran", "Tingkat 3 · Perilaku", "Tingkat 4 · Hasil (laporan serikat)"],
    response_rate: "Tingkat tanggapan",
    mean_rating: "Rata-rata penilaian (bagian dari skala)",
    mean_pre: "Rata-rata nilai tes awal",
    mean_post: "Rata-rata nilai tes akhir",
    mean_gain: "Rata-rata normalised gain",
    with_plan: "Peserta dengan rencana aksi",
    checked_in: "Laporan berkala jatuh tempo yang masuk",
    applied: "Pemegang rencana yang menjalankan satu langkah",
    confirmed: "Pemegang rencana yang dikonfirmasi pemimpinnya",
    recruited: "Anggota yang direkrut",
    agreements: "Perjanjian yang ditandatangani atau diperbaiki",
    policies: "Kebijakan yang diadopsi",
    trainings: "Pelatihan yang diadakan serikat",
    targets: "keterwakilan dan penyelesaian",
    targets_desc: "Bagian dari peserta; penanda menunjukkan target program.",
    target_labels: ["Perempuan", "Di bawah 35", "Selesai", "Peserta", "Negara", "Lainnya"],
    by_country: "peserta menurut negara",
    by_gender: "peserta menurut jenis kelamin",
    by_age: "peserta menurut kelompok umur",
    by_union: "peserta menurut serikat",
    by_sector: "peserta menurut sektor (bagian ISIC)",
    breakdown_desc: "Jumlah peserta; sel yang disembunyikan berisi kurang dari lima orang atau dapat mengungkapkannya.",
    unions_desc: "Jumlah peserta menurut serikat yang menominasikan mereka.",
    values: ["Tidak disebutkan", "Perempuan", "Laki-laki", "Non-biner", "Lainnya", "Di bawah 25", "25–34", "35–44", "45–54", "55 ke atas"],
    report: "Laporan evaluasi",
    participants: "peserta",
    withheld: "disembunyikan",
    note_withheld: "Sel dengan kurang dari {n} orang, dan sel yang dapat diungkap dari total, disembunyikan.",
    note_restricted: "Hanya peserta dari serikat pembaca sendiri yang dihitung.",
    reach: "Jangkauan dan keterwakilan",
    reach_intro: "Siapa yang ikut: negara, jenis kelamin, umur dan serikat, dibandingkan target program.",
    participation: "Partisipasi",
    participation_intro: "Dari nominasi sampai tindak lanjut.",
    four_levels: "Empat tingkat",
    four_levels_intro: "Reaksi (tingkat 1), pembelajaran (tingkat 2), perilaku (tingkat 3) dan hasil serikat (tingkat 4).",
    target_headers: ["Ukuran", "Target", "Tercapai", "Terpenuhi"],
    yes: "ya",
    no: "tidak",
    level_headers: ["Tingkat", "Ukuran", "Nilai"],
    funnel_headers: ["Tahap", "Orang"],
    country: "Negara",
    gender: "Jenis kelamin",
    age_band: "Kelompok umur",
    sector: "Sektor",
    union: "Serikat",
    results_by_union: "Hasil menurut serikat",
    results_by_country: "Hasil menurut negara",
    indicator_headers: ["Laporan", "Anggota direkrut", "Perjanjian ditandatangani", "Perjanjian diperbaiki", "Kebijakan diadopsi", "Pelatihan diadakan"],
};

/// Tetum.
pub static TET: Words = Words {
    lang: "tet",
    funnel: "funil partisipasaun",
    funnel_desc: "Ema iha etapa ida-idak (inklui sira ne'ebé to'o etapa tuir mai); etapa ne'ebé subar iha ema menus husi na'in-lima ka bele hatudu sira.",
    stages: ["Nomeadu", "Hili ona", "Rejistu ona", "Hahú ona", "Kompleta ona", "Iha sertifikadu", "Akompañamentu"],
    levels: "nivel haat",
    levels_desc: "Nivel Kirkpatrick nian: peskiza reasaun, teste antes/depois, akompañamentu planu asaun, no indikadór ne'ebé sindikatu sira relata.",
    level_names: ["Nivel 1 · Reasaun", "Nivel 2 · Aprendizajen", "Nivel 3 · Komportamentu", "Nivel 4 · Rezultadu (relatóriu sindikatu)"],
    response_rate: "Taxa resposta",
    mean_rating: "Média avaliasaun (parte husi eskala)",
    mean_pre: "Média pontu teste antes",
    mean_post: "Média pontu teste depois",
    mean_gain: "Média normalised gain",
    with_plan: "Partisipante ho planu asaun",
    checked_in: "Check-in ne'ebé to'o tempu no relata ona",
    applied: "Na'in planu ne'ebé halo pasu ida",
    confirmed: "Na'in planu ne'ebé lider konfirma",
    recruited: "Membru foun",
    agreements: "Akordu asina ka hadi'a",
    policies: "Polítika adota",
    trainings: "Formasaun husi sindikatu",
    targets: "reprezentasaun no kompletasaun",
    targets_desc: "Parte husi partisipante; marka hatudu programa nia meta.",
    target_labels: ["Feto", "Menus 35", "Kompleta ona", "Partisipante", "Nasaun", "Seluk"],
    by_country: "partisipante tuir nasaun",
    by_gender: "partisipante tuir jéneru",
    by_age: "partisipante tuir idade",
    by_union: "partisipante tuir sindikatu",
    by_sector: "partisipante tuir setór (seksaun ISIC)",
    breakdown_desc: "Partisipante; kaixa ne'ebé subar iha ema menus husi na'in-lima ka bele hatudu sira.",
    unions_desc: "Partisipante tuir sindikatu ne'ebé nomeia sira.",
    values: ["La temi", "Feto", "Mane", "Non-binary", "Seluk", "Menus 25", "25–34", "35–44", "45–54", "55 ba leten"],
    report: "Relatóriu avaliasaun",
    participants: "partisipante",
    withheld: "subar",
    note_withheld: "Kaixa ho ema menus husi {n}, no kaixa ne'ebé bele hatudu sira husi totál, subar.",
    note_restricted: "Konta de'it partisipante husi leitór nia sindikatu rasik.",
    reach: "Abranjénsia no reprezentasaun",
    reach_intro: "Se maka partisipa: nasaun, jéneru, idade no sindikatu, kompara ho programa nia meta.",
    participation: "Partisipasaun",
    participation_intro: "Husi nomeasaun to'o akompañamentu.",
    four_levels: "Nivel haat",
    four_levels_intro: "Reasaun (nivel 1), aprendizajen (nivel 2), komportamentu (nivel 3) no sindikatu nia rezultadu (nivel 4).",
    target_headers: ["Númeru", "Meta", "To'o", "Kumpre"],
    yes: "sin",
    no: "lae",
    level_headers: ["Nivel", "Medida", "Valór"],
    funnel_headers: ["Etapa", "Ema"],
    country: "Nasaun",
    gender: "Jéneru",
    age_band: "Idade",
    sector: "Setór",
    union: "Sindikatu",
    results_by_union: "Rezultadu tuir sindikatu",
    results_by_country: "Rezultadu tuir nasaun",
    indicator_headers: ["Relatóriu", "Membru foun", "Akordu asina", "Akordu hadi'a", "Polítika adota", "Formasaun"],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_its_words_and_others_fall_back_to_english() {
        for lang in LANGUAGES {
            assert_eq!(words(lang).lang, lang);
        }
        assert_eq!(words("de").lang, "en");
        assert_eq!(FIL.value("female"), "Babae");
        assert_eq!(EN.value("PH"), "PH");
    }
}
