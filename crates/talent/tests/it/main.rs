//! The talent pool against hand-made people: every shipped criterion met and missed, tier order,
//! validity, duplicate detection and merging.

use kechuang_talent::{
    Affiliation, Award, Evidence, OutputYear, Person, Project, evaluate, find_duplicates, merge,
    shipped,
};

fn person(id: &str) -> Person {
    Person {
        id: id.into(),
        source: "test".into(),
        name: "张伟".into(),
        region: "津".into(),
        ..Person::default()
    }
}

fn award(level: &str, grade: u8, position: u8, year: i32) -> Award {
    Award {
        name: format!("{level} {grade}"),
        level: level.into(),
        grade,
        position,
        year,
    }
}

fn project(level: &str, year: i32) -> Project {
    Project {
        title: format!("{level} {year}"),
        level: level.into(),
        year,
    }
}

/// The tier reached and whether criterion `id` was met.
fn placed(p: &Person, id: &str) -> (Option<String>, Option<bool>) {
    let e = evaluate(p, &shipped(), 2026);
    let met = e.findings.iter().find(|f| f.criterion == id).map(|f| f.met);
    (e.tier, met)
}

#[test]
fn each_criterion_places_a_person_in_its_tier_and_no_higher() {
    let cases: Vec<(&str, &str, Person)> = vec![
        (
            "A1",
            "A",
            Person {
                titles: vec!["中国工程院院士".into()],
                ..person("a1")
            },
        ),
        (
            "A2",
            "A",
            Person {
                awards: vec![award("national", 1, 3, 2017)],
                ..person("a2")
            },
        ),
        (
            "B1",
            "B",
            Person {
                programmes: vec!["长江学者特聘教授".into()],
                ..person("b1")
            },
        ),
        (
            "B2",
            "B",
            Person {
                projects: vec![project("national", 2022), project("national", 2025)],
                ..person("b2")
            },
        ),
        (
            "B3",
            "B",
            Person {
                awards: vec![award("national", 2, 5, 2020)],
                ..person("b3")
            },
        ),
        (
            "C1",
            "C",
            Person {
                awards: vec![award("provincial", 1, 2, 2022)],
                ..person("c1")
            },
        ),
        (
            "C2",
            "C",
            Person {
                projects: vec![project("national", 2024)],
                ..person("c2")
            },
        ),
        (
            "C3",
            "C",
            Person {
                projects: (2022..2025).map(|y| project("provincial", y)).collect(),
                ..person("c3")
            },
        ),
        (
            "D1",
            "D",
            Person {
                titles: vec!["研究员".into()],
                ..person("d1")
            },
        ),
        (
            "D2",
            "D",
            Person {
                outputs: vec![
                    OutputYear {
                        year: 2024,
                        count: 5,
                    },
                    OutputYear {
                        year: 2026,
                        count: 3,
                    },
                ],
                ..person("d2")
            },
        ),
        (
            "E1",
            "E",
            Person {
                doctorate: true,
                birth_year: Some(1991),
                ..person("e1")
            },
        ),
        (
            "E2",
            "E",
            Person {
                titles: vec!["高级工程师".into()],
                ..person("e2")
            },
        ),
    ];
    for (id, tier, p) in cases {
        assert_eq!(placed(&p, id), (Some(tier.into()), Some(true)), "{id}");
    }
}

#[test]
fn each_criterion_is_missed_just_outside_its_bounds() {
    let cases: Vec<(&str, Person)> = vec![
        // An award eleven years back, a fourth position, a second-class prize for A2.
        (
            "A2",
            Person {
                awards: vec![
                    award("national", 1, 3, 2016),
                    award("national", 1, 4, 2020),
                    award("national", 2, 1, 2020),
                ],
                ..person("a2")
            },
        ),
        // One national project is not two.
        (
            "B2",
            Person {
                projects: vec![project("national", 2025), project("national", 2021)],
                ..person("b2")
            },
        ),
        (
            "B3",
            Person {
                awards: vec![award("national", 2, 6, 2020)],
                ..person("b3")
            },
        ),
        (
            "C1",
            Person {
                awards: vec![award("provincial", 1, 2, 2021)],
                ..person("c1")
            },
        ),
        (
            "C3",
            Person {
                projects: (2021..2024).map(|y| project("provincial", y)).collect(),
                ..person("c3")
            },
        ),
        (
            "D1",
            Person {
                titles: vec!["副研究员".into()],
                ..person("d1")
            },
        ),
        // 2023 is outside 2024–2026.
        (
            "D2",
            Person {
                outputs: vec![
                    OutputYear {
                        year: 2023,
                        count: 5,
                    },
                    OutputYear {
                        year: 2026,
                        count: 3,
                    },
                ],
                ..person("d2")
            },
        ),
        // 36 in 2026, or no doctorate.
        (
            "E1",
            Person {
                doctorate: true,
                birth_year: Some(1990),
                ..person("e1")
            },
        ),
        (
            "E1",
            Person {
                doctorate: false,
                birth_year: Some(1995),
                ..person("e1b")
            },
        ),
    ];
    for (id, p) in cases {
        assert_eq!(placed(&p, id).1, Some(false), "{id}: {:?}", p.id);
    }
}

#[test]
fn the_highest_tier_wins_and_says_why_and_until_when() {
    let p = Person {
        titles: vec!["教授".into()],
        awards: vec![award("national", 2, 1, 2019)],
        ..person("x")
    };
    let e = evaluate(&p, &shipped(), 2026);
    assert_eq!(e.tier.as_deref(), Some("B"));
    assert_eq!(e.criteria_version, "2026.1");
    assert_eq!(e.review_due, Some(2029));
    let b3 = e.findings.iter().find(|f| f.criterion == "B3").expect("B3");
    assert!(b3.reason.contains("2019"), "{}", b3.reason);
    // Valid ten years: 2019 to 2028.
    assert_eq!(b3.valid_until, Some(2028));
    // Tiers below the one reached are not checked.
    assert!(e.findings.iter().all(|f| f.tier.as_str() <= "B"));
    let nobody = evaluate(&person("n"), &shipped(), 2026);
    assert_eq!(nobody.tier, None);
    assert_eq!(
        nobody.findings.len(),
        shipped()
            .tiers
            .iter()
            .map(|t| t.criteria.len())
            .sum::<usize>()
    );
}

fn at(institution: &str) -> Vec<Affiliation> {
    vec![Affiliation {
        institution: institution.into(),
        from: 2015,
        to: None,
    }]
}

#[test]
fn duplicates_need_strong_evidence_and_never_join_different_identifiers() {
    let people = vec![
        // 0 and 1: the same name written differently, same birth year and institution.
        Person {
            name: "张 伟".into(),
            birth_year: Some(1980),
            affiliations: at("天津大学"),
            source: "tju".into(),
            ..person("0")
        },
        Person {
            name: "张伟".into(),
            birth_year: Some(1980),
            affiliations: at("天津大学"),
            source: "import-2025".into(),
            ..person("1")
        },
        // 2: same name and institution, another birth year: another person.
        Person {
            name: "张伟".into(),
            birth_year: Some(1975),
            affiliations: at("天津大学"),
            ..person("2")
        },
        // 3: same name and birth year, nothing else: not enough.
        Person {
            name: "张伟".into(),
            birth_year: Some(1980),
            affiliations: at("南开大学"),
            ..person("3")
        },
        // 4 and 5: Latin name order and full-width letters, same ORCID.
        Person {
            name: "ＬＩ Na".into(),
            orcid: Some("0000-0002-1825-0097".into()),
            ..person("4")
        },
        Person {
            name: "Na Li".into(),
            orcid: Some("0000-0002-1825-0097".into()),
            birth_year: Some(1985),
            ..person("5")
        },
        // 6: same e-mail and name as 7.
        Person {
            name: "王芳".into(),
            email: Some("wf@hebut.edu.cn".into()),
            ..person("6")
        },
        Person {
            name: "王芳".into(),
            email: Some("WF@hebut.edu.cn ".into()),
            ..person("7")
        },
        // 8 and 9: everything alike but different ORCIDs.
        Person {
            name: "刘洋".into(),
            birth_year: Some(1990),
            affiliations: at("河北工业大学"),
            orcid: Some("0000-0001-0000-0001".into()),
            ..person("8")
        },
        Person {
            name: "刘洋".into(),
            birth_year: Some(1990),
            affiliations: at("河北工业大学"),
            orcid: Some("0000-0001-0000-0002".into()),
            ..person("9")
        },
    ];
    let found: Vec<(usize, usize)> = find_duplicates(&people)
        .iter()
        .map(|d| (d.a, d.b))
        .collect();
    assert_eq!(found, vec![(0, 1), (4, 5), (6, 7)]);
    let d = &find_duplicates(&people)[1];
    assert!(d.evidence.contains(&Evidence::SameOrcid) && d.evidence.contains(&Evidence::SameName));
}

#[test]
fn a_merge_unites_lists_fills_gaps_and_records_what_changed() {
    let a = Person {
        titles: vec!["教授".into()],
        outputs: vec![OutputYear {
            year: 2025,
            count: 4,
        }],
        affiliations: at("天津大学"),
        ..person("0")
    };
    let b = Person {
        source: "import-2025".into(),
        titles: vec!["教授".into(), "长江学者特聘教授".into()],
        email: Some("zw@tju.edu.cn".into()),
        outputs: vec![
            OutputYear {
                year: 2025,
                count: 6,
            },
            OutputYear {
                year: 2026,
                count: 2,
            },
        ],
        affiliations: at("天津大学"),
        ..person("1")
    };
    let (m, record) = merge(&a, &b, "analyst li", &[Evidence::SameName]);
    assert_eq!(m.id, "0");
    assert_eq!(
        m.titles,
        vec!["教授".to_string(), "长江学者特聘教授".to_string()]
    );
    assert_eq!(m.email.as_deref(), Some("zw@tju.edu.cn"));
    // The same year counted by two sources is not counted twice.
    assert_eq!(m.outputs.iter().map(|o| o.count).sum::<u32>(), 8);
    assert_eq!(m.affiliations.len(), 1);
    assert_eq!(record.merged, "1");
    assert_eq!(record.merged_source, "import-2025");
    assert_eq!(record.fields_changed, vec!["email", "titles", "outputs"]);
}

#[test]
fn the_guide_example_is_a_valid_tier() {
    let guide =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/talent.md"))
            .expect("docs/talent.md");
    let start = guide.find("```toml\n").expect("a TOML example") + "```toml\n".len();
    let end = start + guide[start..].find("```").expect("closed");
    let file = format!(
        "id = \"t\"\nversion = \"1\"\neffective_from = \"2026-01-01\"\ntitle = \"t\"\n{}",
        &guide[start..end]
    );
    let c = kechuang_talent::Criteria::from_toml(&file).expect("the example parses");
    let p = Person {
        projects: vec![project("national", 2022), project("national", 2026)],
        ..person("p")
    };
    assert_eq!(evaluate(&p, &c, 2026).tier.as_deref(), Some("B"));
}

#[test]
fn statistics_count_by_tier_region_field_and_current_institution() {
    let people = vec![
        Person {
            titles: vec!["研究员".into()],
            fields: vec!["新材料".into(), "先进制造".into()],
            affiliations: vec![
                Affiliation {
                    institution: "天津大学".into(),
                    from: 2010,
                    to: Some(2020),
                },
                Affiliation {
                    institution: "南开大学".into(),
                    from: 2021,
                    to: None,
                },
            ],
            ..person("d")
        },
        Person {
            region: "冀".into(),
            fields: vec!["新材料".into()],
            ..person("none")
        },
    ];
    let evaluations: Vec<_> = people
        .iter()
        .map(|p| evaluate(p, &shipped(), 2026))
        .collect();
    let s = kechuang_talent::statistics(&people, &evaluations);
    assert_eq!(s.by_region.counts["津"]["D"], 1);
    assert_eq!(s.by_region.counts["冀"][""], 1);
    assert_eq!(s.by_field.total("新材料"), 2);
    assert_eq!(s.by_field.total("先进制造"), 1);
    // Only the current institution counts; a person with none is under "".
    assert_eq!(s.by_institution.total("南开大学"), 1);
    assert_eq!(s.by_institution.total("天津大学"), 0);
    assert_eq!(s.by_institution.total(""), 1);
}
