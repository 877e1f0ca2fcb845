//! Demo and scale courses: `seed --demo` adds the demo catalogue, `seed --scale N` adds
//! N/10 synthetic courses of about 50 lessons each.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;

use crate::courses::model::{
    NewCourse, NewCourseTranslation, NewLesson, NewLessonTranslation, NewModule,
    NewModuleTranslation, search_text,
};
use crate::courses::repo;
use crate::db::schema::{courses, users};
use crate::db::{Db, DbConn, now, write_transaction};
use crate::error::ApiError;

/// The demo trainer, owner of every seeded course.
const DEMO_TRAINER: &str = "trainer@demo.bayanihan.org";

/// One lesson: kind, required, minutes, url, texts per language (language, title, Markdown).
struct DemoLesson {
    kind: &'static str,
    required: bool,
    minutes: Option<i32>,
    url: Option<&'static str>,
    captions: &'static str,
    file: Option<(i64, &'static str)>,
    texts: &'static [(&'static str, &'static str, &'static str)],
}

struct DemoModule {
    titles: &'static [(&'static str, &'static str)],
    lessons: &'static [DemoLesson],
}

struct DemoCourse {
    slug: &'static str,
    default_language: &'static str,
    topics: &'static [&'static str],
    level: &'static str,
    format: &'static str,
    hours: f64,
    visibility: &'static str,
    /// (language, title, summary, description)
    texts: &'static [(&'static str, &'static str, &'static str, &'static str)],
    modules: &'static [DemoModule],
}

const fn text(
    minutes: i32,
    texts: &'static [(&'static str, &'static str, &'static str)],
) -> DemoLesson {
    DemoLesson {
        kind: "text",
        required: true,
        minutes: Some(minutes),
        url: None,
        captions: "",
        file: None,
        texts,
    }
}

const fn video(
    minutes: i32,
    url: &'static str,
    captions: &'static str,
    texts: &'static [(&'static str, &'static str, &'static str)],
) -> DemoLesson {
    DemoLesson {
        kind: "video",
        required: true,
        minutes: Some(minutes),
        url: Some(url),
        captions,
        file: None,
        texts,
    }
}

const fn link(
    url: &'static str,
    texts: &'static [(&'static str, &'static str, &'static str)],
) -> DemoLesson {
    DemoLesson {
        kind: "link",
        required: false,
        minutes: Some(15),
        url: Some(url),
        captions: "",
        file: None,
        texts,
    }
}

const fn file(
    url: &'static str,
    size: i64,
    media_type: &'static str,
    texts: &'static [(&'static str, &'static str, &'static str)],
) -> DemoLesson {
    DemoLesson {
        kind: "file",
        required: false,
        minutes: Some(10),
        url: Some(url),
        captions: "",
        file: Some((size, media_type)),
        texts,
    }
}

/// The demo catalogue.
const DEMO_COURSES: &[DemoCourse] = &[
    DemoCourse {
        slug: "platform-workers-rights",
        default_language: "en",
        topics: &["platform-workers", "organising", "youth"],
        level: "introductory",
        format: "self_paced",
        hours: 6.0,
        visibility: "public",
        texts: &[
            (
                "en",
                "Platform workers' rights",
                "Who is an employee when the boss is an app? Rights, risks and organising for riders, drivers and online workers.",
                "Delivery riders, ride-hailing drivers and online freelancers do the work of employees without the protection. This course explains how platform work is organised, which rights apply, and how unions across Asia and the Pacific have organised platform workers.",
            ),
            (
                "fil",
                "Mga karapatan ng mga manggagawa sa platform",
                "Sino ang empleyado kapag app ang amo? Mga karapatan, panganib at pag-oorganisa ng mga rider, driver at online worker.",
                "Ang mga delivery rider, driver ng ride-hailing at online freelancer ay gumagawa ng trabaho ng empleyado nang walang proteksyon. Ipinapaliwanag ng kursong ito kung paano inaayos ang trabaho sa platform, anong mga karapatan ang umiiral, at paano nag-organisa ang mga unyon.",
            ),
        ],
        modules: &[
            DemoModule {
                titles: &[
                    ("en", "How platform work works"),
                    ("fil", "Paano gumagana ang trabaho sa platform"),
                ],
                lessons: &[
                    text(
                        15,
                        &[
                            (
                                "en",
                                "The app as the boss",
                                "## The app as the boss\n\nA platform decides **who gets the next job**, at what price, and who is *deactivated*. Algorithms assign, rate and discipline workers.\n\n- Pay per task, not per hour\n- Ratings decide access to work\n- Deactivation without a hearing\n\nDiscuss: what does your union already know about the apps in your city?",
                            ),
                            (
                                "fil",
                                "Ang app bilang amo",
                                "## Ang app bilang amo\n\nAng platform ang nagpapasya **kung sino ang susunod na makakakuha ng trabaho**, sa anong presyo, at kung sino ang *ide-deactivate*.\n\n- Bayad kada gawain, hindi kada oras\n- Ang rating ang nagpapasya ng access sa trabaho\n- Deactivation nang walang pagdinig",
                            ),
                        ],
                    ),
                    video(
                        12,
                        "https://media.bayanihan.example/platform-workers/riders-voices.mp4",
                        "en,fil",
                        &[
                            (
                                "en",
                                "Riders' voices from Manila and Jakarta",
                                "Delivery riders describe a working day: waiting for orders, unpaid kilometres, and what happened when they organised.",
                            ),
                            (
                                "fil",
                                "Mga tinig ng mga rider mula Maynila at Jakarta",
                                "Inilalarawan ng mga delivery rider ang isang araw ng trabaho at ang nangyari nang sila ay nag-organisa.",
                            ),
                        ],
                    ),
                ],
            },
            DemoModule {
                titles: &[
                    ("en", "Rights and misclassification"),
                    ("fil", "Mga karapatan at maling klasipikasyon"),
                ],
                lessons: &[
                    text(
                        20,
                        &[(
                            "en",
                            "Employee or independent contractor?",
                            "## Employee or independent contractor?\n\nCourts look at **control**, not labels. Ask:\n\n1. Who sets the price?\n2. Who decides how the work is done?\n3. Can the worker really refuse jobs?\n\nThe ILO *Employment Relationship Recommendation, 2006 (No. 198)* lists indicators of an employment relationship.",
                        )],
                    ),
                    link(
                        "https://www.ilo.org/global/topics/non-standard-employment/lang--en/index.htm",
                        &[(
                            "en",
                            "ILO: non-standard forms of employment",
                            "The ILO's overview of non-standard employment, including work on digital platforms.",
                        )],
                    ),
                    file(
                        "https://media.bayanihan.example/platform-workers/organising-checklist.pdf",
                        184_320,
                        "application/pdf",
                        &[(
                            "en",
                            "Organising checklist (PDF)",
                            "A two-page checklist for a first meeting with platform workers.",
                        )],
                    ),
                ],
            },
            DemoModule {
                titles: &[("en", "Organising platform workers")],
                lessons: &[
                    text(
                        25,
                        &[(
                            "en",
                            "Reaching workers who never meet",
                            "## Reaching workers who never meet\n\nPlatform workers share waiting spots, chat groups and repair shops. Start there.\n\n> \"We found each other at the mall parking lot where we wait for orders.\" — a rider in Quezon City\n\nPlan a first contact: where, when, and with what message?",
                        )],
                    ),
                    text(
                        20,
                        &[(
                            "en",
                            "Collective demands that work",
                            "## Collective demands that work\n\nSuccessful campaigns asked for **transparent pay rates**, **a hearing before deactivation** and **accident insurance**. Draft three demands for your context.",
                        )],
                    ),
                ],
            },
        ],
    },
    DemoCourse {
        slug: "skills-for-union-educators",
        default_language: "en",
        topics: &["skills-development", "training-of-trainers"],
        level: "intermediate",
        format: "blended",
        hours: 10.0,
        visibility: "members",
        texts: &[
            (
                "en",
                "Skills development for union educators",
                "Plan, deliver and follow up online training that changes what members do at work.",
                "For e-trainers who multiply training in their unions: adult learning, designing short online sessions for slow connections, facilitating discussion, and following up months later.",
            ),
            (
                "id",
                "Pengembangan keterampilan untuk pendidik serikat",
                "Merencanakan, menyampaikan, dan menindaklanjuti pelatihan daring yang mengubah praktik anggota di tempat kerja.",
                "Untuk pelatih daring yang melipatgandakan pelatihan di serikat mereka: pembelajaran orang dewasa, merancang sesi singkat untuk koneksi lambat, memfasilitasi diskusi, dan tindak lanjut.",
            ),
        ],
        modules: &[
            DemoModule {
                titles: &[
                    ("en", "How adults learn"),
                    ("id", "Bagaimana orang dewasa belajar"),
                ],
                lessons: &[
                    text(
                        15,
                        &[
                            (
                                "en",
                                "Start from experience",
                                "## Start from experience\n\nAdults learn best when a session starts from **their own problems at work**. Open with a question, not a lecture.",
                            ),
                            (
                                "id",
                                "Mulai dari pengalaman",
                                "## Mulai dari pengalaman\n\nOrang dewasa belajar paling baik ketika sesi dimulai dari **masalah mereka sendiri di tempat kerja**.",
                            ),
                        ],
                    ),
                    video(
                        9,
                        "https://media.bayanihan.example/educators/experiential-cycle.mp4",
                        "en,id",
                        &[(
                            "en",
                            "The experiential learning cycle",
                            "Experience, reflection, concepts, action: the cycle in nine minutes.",
                        )],
                    ),
                ],
            },
            DemoModule {
                titles: &[("en", "Designing for slow connections")],
                lessons: &[
                    text(
                        20,
                        &[(
                            "en",
                            "Low-bandwidth by design",
                            "## Low-bandwidth by design\n\n- Share slides as PDF before the session\n- Keep video optional; audio carries the discussion\n- Use chat for quick polls\n\nMany participants join from a phone on mobile data.",
                        )],
                    ),
                    link(
                        "https://www.w3.org/WAI/fundamentals/accessibility-intro/",
                        &[(
                            "en",
                            "Accessibility basics (W3C)",
                            "An introduction to making online material accessible to everyone.",
                        )],
                    ),
                ],
            },
            DemoModule {
                titles: &[("en", "Following up")],
                lessons: &[text(
                    15,
                    &[(
                        "en",
                        "Three months later",
                        "## Three months later\n\nAgree an **action plan** with each participant and their union leader at the end of training, then check in after one and three months.",
                    )],
                )],
            },
        ],
    },
    DemoCourse {
        slug: "youth-organising",
        default_language: "en",
        topics: &["youth", "organising"],
        level: "introductory",
        format: "self_paced",
        hours: 4.0,
        visibility: "public",
        texts: &[
            (
                "en",
                "Youth organising",
                "Bring young workers into the union, and give them a voice in it.",
                "Young workers are over-represented in precarious jobs and under-represented in unions. Learn how youth committees, peer organisers and social media campaigns change that.",
            ),
            (
                "fil",
                "Pag-oorganisa ng kabataan",
                "Isama ang mga batang manggagawa sa unyon, at bigyan sila ng boses dito.",
                "Maraming batang manggagawa ang nasa hindi tiyak na trabaho at kakaunti ang nasa unyon. Alamin kung paano ito binabago ng mga youth committee at peer organiser.",
            ),
        ],
        modules: &[
            DemoModule {
                titles: &[
                    ("en", "Why young workers"),
                    ("fil", "Bakit ang mga batang manggagawa"),
                ],
                lessons: &[
                    text(
                        10,
                        &[
                            (
                                "en",
                                "The first job",
                                "## The first job\n\nMost young workers meet a union **in their first job or never**. What does your union do for new hires?",
                            ),
                            (
                                "fil",
                                "Ang unang trabaho",
                                "## Ang unang trabaho\n\nKaramihan sa mga batang manggagawa ay nakakakilala ng unyon **sa kanilang unang trabaho o hindi na kailanman**.",
                            ),
                        ],
                    ),
                    video(
                        8,
                        "https://media.bayanihan.example/youth/peer-organisers.mp4",
                        "en",
                        &[(
                            "en",
                            "Peer organisers in call centres",
                            "Young BPO workers explain how they organised their floor.",
                        )],
                    ),
                ],
            },
            DemoModule {
                titles: &[("en", "Youth committees")],
                lessons: &[
                    text(
                        15,
                        &[(
                            "en",
                            "Setting up a youth committee",
                            "## Setting up a youth committee\n\n1. A mandate from the executive\n2. A budget line, however small\n3. A seat at the bargaining table",
                        )],
                    ),
                    link(
                        "https://www.ituc-csi.org/youth",
                        &[(
                            "en",
                            "ITUC youth",
                            "Campaigns and resources of the ITUC youth committee.",
                        )],
                    ),
                ],
            },
        ],
    },
    DemoCourse {
        slug: "social-dialogue-collective-bargaining",
        default_language: "en",
        topics: &["social-dialogue", "collective-bargaining"],
        level: "advanced",
        format: "cohort",
        hours: 12.0,
        visibility: "members",
        texts: &[(
            "en",
            "Social dialogue and collective bargaining",
            "Prepare, negotiate and enforce collective agreements; take part in tripartite dialogue.",
            "From preparing a bargaining agenda with members to monitoring an agreement, and from workplace committees to national tripartite councils.",
        )],
        modules: &[
            DemoModule {
                titles: &[("en", "Preparing to bargain")],
                lessons: &[
                    text(
                        20,
                        &[(
                            "en",
                            "Building the agenda with members",
                            "## Building the agenda with members\n\nSurvey members, rank demands, and cost them. A demand members did not choose is hard to win.",
                        )],
                    ),
                    file(
                        "https://media.bayanihan.example/bargaining/costing-template.xlsx",
                        52_224,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        &[(
                            "en",
                            "Costing template",
                            "A spreadsheet to cost wage and benefit demands.",
                        )],
                    ),
                ],
            },
            DemoModule {
                titles: &[("en", "At the table")],
                lessons: &[
                    video(
                        15,
                        "https://media.bayanihan.example/bargaining/role-play.mp4",
                        "en",
                        &[(
                            "en",
                            "A negotiation role-play",
                            "Watch a recorded role-play and note each side's moves.",
                        )],
                    ),
                    text(
                        20,
                        &[(
                            "en",
                            "Reading the other side",
                            "## Reading the other side\n\nSeparate **positions** from **interests**. Ask why, then propose options.",
                        )],
                    ),
                ],
            },
            DemoModule {
                titles: &[("en", "Tripartite dialogue")],
                lessons: &[link(
                    "https://www.ilo.org/ifpdial/areas-of-work/social-dialogue/lang--en/index.htm",
                    &[(
                        "en",
                        "ILO: social dialogue",
                        "What the ILO means by social dialogue, with country examples.",
                    )],
                )],
            },
        ],
    },
    DemoCourse {
        slug: "occupational-safety-and-health",
        default_language: "en",
        topics: &["osh"],
        level: "introductory",
        format: "self_paced",
        hours: 5.0,
        visibility: "public",
        texts: &[
            (
                "en",
                "Occupational safety and health",
                "Spot hazards, use the right to refuse unsafe work, and set up a joint safety committee.",
                "Safety and health is a fundamental principle and right at work since 2022. This course covers hazard mapping, the right to refuse, and joint committees.",
            ),
            (
                "id",
                "Keselamatan dan kesehatan kerja",
                "Kenali bahaya, gunakan hak untuk menolak pekerjaan tidak aman, dan bentuk komite keselamatan bersama.",
                "Keselamatan dan kesehatan kerja adalah prinsip dan hak mendasar di tempat kerja sejak 2022.",
            ),
        ],
        modules: &[
            DemoModule {
                titles: &[("en", "Hazards"), ("id", "Bahaya")],
                lessons: &[
                    text(
                        15,
                        &[
                            (
                                "en",
                                "Body and hazard mapping",
                                "## Body and hazard mapping\n\nDraw the workplace, then mark where people get hurt. Members see patterns management ignores.",
                            ),
                            (
                                "id",
                                "Pemetaan tubuh dan bahaya",
                                "## Pemetaan tubuh dan bahaya\n\nGambar tempat kerja, lalu tandai di mana orang terluka.",
                            ),
                        ],
                    ),
                    video(
                        10,
                        "https://media.bayanihan.example/osh/heat-stress.mp4",
                        "en,id",
                        &[(
                            "en",
                            "Heat stress at work",
                            "Signs of heat stress and what workers can demand.",
                        )],
                    ),
                ],
            },
            DemoModule {
                titles: &[("en", "Rights and committees")],
                lessons: &[
                    text(
                        15,
                        &[(
                            "en",
                            "The right to refuse unsafe work",
                            "## The right to refuse unsafe work\n\nILO Convention No. 155, Article 13: a worker who leaves a situation of **imminent and serious danger** is protected.",
                        )],
                    ),
                    link(
                        "https://www.ilo.org/global/topics/safety-and-health-at-work/lang--en/index.htm",
                        &[(
                            "en",
                            "ILO: safety and health at work",
                            "Standards, data and guides from the ILO.",
                        )],
                    ),
                    text(
                        10,
                        &[(
                            "en",
                            "A joint safety committee",
                            "## A joint safety committee\n\nEqual numbers from workers and management, regular inspections, and minutes everyone can read.",
                        )],
                    ),
                ],
            },
        ],
    },
];

fn trainer_id(conn: &mut DbConn) -> Result<Option<i64>, ApiError> {
    Ok(users::table
        .filter(users::email_normalized.eq(DEMO_TRAINER))
        .select(users::id)
        .first(conn)
        .optional()?)
}

/// Adds the demo catalogue (published, owned by the demo trainer); courses whose slug
/// exists already are skipped. Returns how many were added.
pub fn demo(db: &Db) -> anyhow::Result<usize> {
    let mut conn = db.conn()?;
    Ok(write_transaction(&mut conn, demo_courses)?)
}

fn demo_courses(conn: &mut DbConn) -> Result<usize, ApiError> {
    let owner = trainer_id(conn)?;
    let mut added = 0;
    for c in DEMO_COURSES {
        if repo::slug_taken(conn, c.slug, None)? {
            continue;
        }
        let at = now();
        let course = repo::insert_course(
            conn,
            &NewCourse {
                slug: c.slug.to_owned(),
                default_language: c.default_language.to_owned(),
                level: c.level.to_owned(),
                format: c.format.to_owned(),
                estimated_hours: Some(c.hours),
                licence: Some("CC-BY-4.0".to_owned()),
                status: "published".to_owned(),
                visibility: c.visibility.to_owned(),
                capacity: None,
                created_by: owner,
                created_at: at,
                updated_at: at,
                published_at: Some(at),
            },
        )?;
        for (language, title, summary, description) in c.texts {
            repo::upsert_course_translation(
                conn,
                &NewCourseTranslation {
                    course_id: course.id,
                    language: (*language).to_owned(),
                    title: (*title).to_owned(),
                    summary: (*summary).to_owned(),
                    description: (*description).to_owned(),
                    search_text: search_text(title, summary),
                    updated_at: at,
                },
            )?;
        }
        let topics: Vec<String> = c.topics.iter().map(|t| (*t).to_owned()).collect();
        repo::set_topics(conn, course.id, &topics)?;
        if let Some(owner) = owner {
            repo::add_owner(conn, course.id, owner)?;
        }
        for (m_index, m) in c.modules.iter().enumerate() {
            let module = repo::insert_module(
                conn,
                &NewModule {
                    course_id: course.id,
                    position: position(m_index),
                    created_at: at,
                    updated_at: at,
                },
            )?;
            for (language, title) in m.titles {
                repo::upsert_module_translation(
                    conn,
                    &NewModuleTranslation {
                        module_id: module.id,
                        language: (*language).to_owned(),
                        title: (*title).to_owned(),
                    },
                )?;
            }
            for (l_index, l) in m.lessons.iter().enumerate() {
                let lesson = repo::insert_lesson(
                    conn,
                    &NewLesson {
                        module_id: module.id,
                        course_id: course.id,
                        position: position(l_index),
                        kind: l.kind.to_owned(),
                        required: l.required,
                        duration_minutes: l.minutes,
                        url: l.url.map(str::to_owned),
                        size_bytes: l.file.map(|f| f.0),
                        media_type: l.file.map(|f| f.1.to_owned()),
                        caption_languages: l.captions.to_owned(),
                        created_at: at,
                        updated_at: at,
                    },
                )?;
                for (language, title, content) in l.texts {
                    repo::upsert_lesson_translation(
                        conn,
                        &NewLessonTranslation {
                            lesson_id: lesson.id,
                            language: (*language).to_owned(),
                            title: (*title).to_owned(),
                            content: (*content).to_owned(),
                        },
                    )?;
                }
            }
        }
        added += 1;
    }
    Ok(added)
}

fn position(index: usize) -> i32 {
    i32::try_from(index + 1).unwrap_or(i32::MAX)
}

/// Prefix of every synthetic course's slug.
const SCALE_PREFIX: &str = "scale-course-";
/// Modules of a synthetic course, and lessons of each module: 50 lessons a course.
const SCALE_MODULES: usize = 5;
const SCALE_LESSONS: usize = 10;

const SCALE_TOPICS: &[&str] = &[
    "platform-workers",
    "youth",
    "skills-development",
    "social-dialogue",
    "osh",
    "gender-equality",
    "organising",
];
const SCALE_LEVELS: &[&str] = &["introductory", "intermediate", "advanced"];
const SCALE_FORMATS: &[&str] = &["self_paced", "self_paced", "cohort", "blended"];
const SCALE_WORDS: &[&str] = &[
    "Organising",
    "Bargaining",
    "Safety",
    "Rights",
    "Leadership",
    "Solidarity",
    "Dialogue",
    "Wages",
];

/// Makes sure N/10 synthetic published courses (at least one) exist, each with 5 modules
/// of 10 lessons, owned by the demo trainer; in one transaction. Returns how many were added.
pub fn scale(db: &Db, n: usize) -> anyhow::Result<usize> {
    let wanted = (n / 10).max(1);
    let mut conn = db.conn()?;
    Ok(write_transaction(&mut conn, |conn| {
        scale_courses(conn, wanted)
    })?)
}

fn scale_courses(conn: &mut DbConn, wanted: usize) -> Result<usize, ApiError> {
    let existing: HashSet<String> = courses::table
        .filter(courses::slug.like(format!("{SCALE_PREFIX}%")))
        .select(courses::slug)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let owner = trainer_id(conn)?;
    let mut added = 0;
    for i in 0..wanted {
        let slug = format!("{SCALE_PREFIX}{:06}", i + 1);
        if existing.contains(&slug) {
            continue;
        }
        let at = now();
        let word = SCALE_WORDS[i % SCALE_WORDS.len()];
        let course = repo::insert_course(
            conn,
            &NewCourse {
                slug,
                default_language: "en".to_owned(),
                level: SCALE_LEVELS[i % SCALE_LEVELS.len()].to_owned(),
                format: SCALE_FORMATS[i % SCALE_FORMATS.len()].to_owned(),
                estimated_hours: Some(f64::from(u8::try_from(i % 20).unwrap_or(0)) + 2.0),
                licence: Some("CC-BY-4.0".to_owned()),
                status: "published".to_owned(),
                visibility: if i % 4 == 0 { "members" } else { "public" }.to_owned(),
                capacity: None,
                created_by: owner,
                created_at: at,
                updated_at: at,
                published_at: Some(at),
            },
        )?;
        let mut translations = vec![("en", format!("{word} course {:06}", i + 1))];
        if i % 3 == 0 {
            translations.push(("fil", format!("Kurso sa {word} {:06}", i + 1)));
        }
        for (language, title) in &translations {
            let summary = format!("Synthetic course {} for load tests: {word}.", i + 1);
            repo::upsert_course_translation(
                conn,
                &NewCourseTranslation {
                    course_id: course.id,
                    language: (*language).to_owned(),
                    search_text: search_text(title, &summary),
                    title: title.clone(),
                    summary,
                    description: "A synthetic course.".to_owned(),
                    updated_at: at,
                },
            )?;
        }
        repo::set_topics(
            conn,
            course.id,
            &[SCALE_TOPICS[i % SCALE_TOPICS.len()].to_owned()],
        )?;
        if let Some(owner) = owner {
            repo::add_owner(conn, course.id, owner)?;
        }
        let modules = repo::insert_modules(
            conn,
            &(0..SCALE_MODULES)
                .map(|m| NewModule {
                    course_id: course.id,
                    position: position(m),
                    created_at: at,
                    updated_at: at,
                })
                .collect::<Vec<_>>(),
        )?;
        repo::insert_module_translations(
            conn,
            &modules
                .iter()
                .map(|m| NewModuleTranslation {
                    module_id: m.id,
                    language: "en".to_owned(),
                    title: format!("Module {}", m.position),
                })
                .collect::<Vec<_>>(),
        )?;
        let mut new_lessons = Vec::with_capacity(SCALE_MODULES * SCALE_LESSONS);
        for m in &modules {
            for l in 0..SCALE_LESSONS {
                let video = l % 5 == 4;
                new_lessons.push(NewLesson {
                    module_id: m.id,
                    course_id: course.id,
                    position: position(l),
                    kind: if video { "video" } else { "text" }.to_owned(),
                    required: l % 7 != 6,
                    duration_minutes: Some(i32::try_from(5 + l).unwrap_or(5)),
                    url: video
                        .then(|| format!("https://media.bayanihan.example/scale/{}.mp4", m.id)),
                    size_bytes: None,
                    media_type: None,
                    caption_languages: if video { "en" } else { "" }.to_owned(),
                    created_at: at,
                    updated_at: at,
                });
            }
        }
        let lessons = repo::insert_lessons(conn, &new_lessons)?;
        let module_positions: HashMap<i64, i32> =
            modules.iter().map(|m| (m.id, m.position)).collect();
        repo::insert_lesson_translations(
            conn,
            &lessons
                .iter()
                .map(|l| {
                    let m = module_positions.get(&l.module_id).copied().unwrap_or(0);
                    NewLessonTranslation {
                        lesson_id: l.id,
                        language: "en".to_owned(),
                        title: format!("Lesson {m}.{}", l.position),
                        content: format!(
                            "## Lesson {m}.{}\n\nWhat **{word}** means at your workplace. Discuss with your union and note one action.",
                            l.position
                        ),
                    }
                })
                .collect::<Vec<_>>(),
        )?;
        added += 1;
    }
    Ok(added)
}
