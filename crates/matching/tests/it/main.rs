//! Search and matching on a small hand-written catalogue: segmentation, filters, highlighting,
//! the domain dictionary, and the explanations of matches.

use kechuang_matching::catalogue::{
    Achievement, Catalogue, Demand, Equipment, Expert, Kind, Patent, Province,
};
use kechuang_matching::matching::{for_demand, for_supply, for_weak_pillars};
use kechuang_matching::search::words;
use kechuang_matching::{Filters, SearchIndex, search};

fn achievement(
    id: &str,
    title: &str,
    summary: &str,
    field: &str,
    trl: u8,
    region: Province,
    price: Option<(f64, f64)>,
) -> Achievement {
    Achievement {
        id: id.into(),
        title: title.into(),
        summary: summary.into(),
        field: field.into(),
        trl,
        ip: vec![],
        transfer_mode: "licence".into(),
        price,
        owner: "某大学".into(),
        region,
    }
}

fn catalogue() -> Catalogue {
    Catalogue {
        demands: vec![Demand {
            id: "D1".into(),
            enterprise: "91120116MA05A00011".into(),
            title: "碳化硅功率器件封装散热".into(),
            problem: "新能源汽车电驱模块中碳化硅功率器件封装热阻过高，需要低热阻封装工艺".into(),
            indicators: "结壳热阻低于0.2 K/W".into(),
            basis: "已有封装产线".into(),
            budget: Some(100.0),
            cooperation: "licence".into(),
            field: "electronic_information".into(),
            region: Province::Tianjin,
            min_trl: Some(6),
            deadline: None,
            status: "open".into(),
        }],
        achievements: vec![
            achievement(
                "A-ready",
                "碳化硅功率器件低热阻封装工艺",
                "银烧结与双面散热封装，热阻降低40%",
                "electronic_information",
                7,
                Province::Tianjin,
                Some((60.0, 90.0)),
            ),
            achievement(
                "A-early",
                "碳化硅功率器件封装新结构",
                "实验室阶段的低热阻封装结构",
                "electronic_information",
                3,
                Province::Beijing,
                Some((20.0, 30.0)),
            ),
            achievement(
                "A-other",
                "人工智能质检系统",
                "基于机器视觉的表面缺陷检测，支持Python与ROS2接口",
                "advanced_manufacturing",
                8,
                Province::Hebei,
                Some((200.0, 300.0)),
            ),
            achievement(
                "A-5g",
                "基于5G通信的工业互联网平台",
                "锂电池产线3000次循环数据采集",
                "electronic_information",
                6,
                Province::Tianjin,
                None,
            ),
        ],
        patents: vec![Patent {
            number: "ZL202110000001.1".into(),
            title: "一种碳化硅模块的封装方法".into(),
            abstract_text: "降低热阻的银烧结封装".into(),
            class: "I".into(),
            holder: "天津某研究院".into(),
            status: "valid".into(),
            field: "electronic_information".into(),
            region: Province::Tianjin,
        }],
        experts: vec![Expert {
            id: "E1".into(),
            name: "王教授".into(),
            affiliations: vec!["天津大学 (2010–)".into()],
            titles: vec!["教授".into()],
            fields: vec!["electronic_information".into()],
            keywords: vec!["功率半导体".into(), "封装可靠性".into(), "碳化硅".into()],
            works: vec![],
            service_modes: vec!["consulting".into()],
            region: Province::Tianjin,
            available: false,
        }],
        equipment: vec![Equipment {
            id: "Q1".into(),
            instrument: "热阻测试仪".into(),
            model: "T3Ster".into(),
            host: "河北某检测中心".into(),
            location: "石家庄".into(),
            capabilities: "功率器件结壳热阻测试".into(),
            booking: "提前三天预约".into(),
            fee: Some(800.0),
            field: "electronic_information".into(),
            region: Province::Hebei,
            available: true,
        }],
        services: vec![],
    }
}

fn index() -> SearchIndex {
    SearchIndex::build(catalogue().docs(), None).expect("index")
}

fn ids(index: &SearchIndex, hits: &[kechuang_matching::Hit]) -> Vec<String> {
    hits.iter()
        .map(|h| index.docs()[h.doc].id.clone())
        .collect()
}

#[test]
fn a_two_character_query_finds_longer_compounds() {
    let idx = index();
    let hits = idx.search("智能", &Filters::default(), 10).expect("search");
    assert_eq!(ids(&idx, &hits), ["A-other"], "智能 in 人工智能");
    let hits = idx.search("散热", &Filters::default(), 10).expect("search");
    assert!(
        ids(&idx, &hits).contains(&"A-ready".to_string()),
        "散热 in 双面散热"
    );
    let hits = idx.search("功率", &Filters::default(), 10).expect("search");
    assert!(
        hits.len() >= 4,
        "功率 in 功率器件 and 功率半导体: {:?}",
        ids(&idx, &hits)
    );
}

#[test]
fn mixed_chinese_english_and_digits_are_found() {
    let idx = index();
    for (query, expected) in [
        ("5G", "A-5g"),
        ("ros2", "A-other"),
        ("PYTHON", "A-other"),
        ("3000", "A-5g"),
        ("T3Ster", "Q1"),
    ] {
        let hits = idx.search(query, &Filters::default(), 10).expect("search");
        assert_eq!(
            ids(&idx, &hits).first().map(String::as_str),
            Some(expected),
            "{query}"
        );
    }
}

#[test]
fn filters_restrict_by_kind_field_region_readiness_price_and_availability() {
    let idx = index();
    let all = |f: Filters| ids(&idx, &idx.search("封装", &f, 50).expect("search"));
    assert_eq!(
        all(Filters {
            kinds: vec![Kind::Patent],
            ..Filters::default()
        }),
        ["ZL202110000001.1"]
    );
    assert!(
        !all(Filters {
            region: Some(Province::Tianjin),
            ..Filters::default()
        })
        .contains(&"A-early".to_string())
    );
    assert_eq!(
        all(Filters {
            kinds: vec![Kind::Achievement],
            trl_min: Some(6),
            ..Filters::default()
        }),
        ["A-ready"]
    );
    assert_eq!(
        all(Filters {
            kinds: vec![Kind::Achievement],
            price_max: Some(40.0),
            ..Filters::default()
        }),
        ["A-early"]
    );
    assert!(
        !all(Filters {
            available_only: true,
            ..Filters::default()
        })
        .contains(&"E1".to_string()),
        "unavailable expert"
    );
    assert!(
        all(Filters {
            field: Some("advanced_manufacturing".into()),
            ..Filters::default()
        })
        .is_empty()
    );
    // Filters alone list everything they allow.
    let only = idx
        .search(
            "",
            &Filters {
                kinds: vec![Kind::Equipment],
                ..Filters::default()
            },
            10,
        )
        .expect("search");
    assert_eq!(ids(&idx, &only), ["Q1"]);
}

#[test]
fn matched_words_are_highlighted() {
    let idx = index();
    let hits = idx
        .search("人工智能 机器视觉", &Filters::default(), 1)
        .expect("search");
    let (title, snippet) = (hits[0].title.to_html(), hits[0].snippet.to_html());
    assert!(title.contains("<b>"), "{title}");
    assert!(snippet.contains("<b>机器视觉</b>"), "{snippet}");
    assert!(
        hits[0].snippet.segments().contains(&("机器视觉", true)),
        "{:?}",
        hits[0].snippet
    );
}

#[test]
fn the_domain_dictionary_keeps_terms_whole_and_can_be_extended() {
    let mut plain = search::analyzer(None).expect("analyzer");
    assert!(words(&mut plain, "碳化硅功率器件").contains(&"碳化硅".to_string()));
    assert!(!words(&mut plain, "钠离子电池储能").contains(&"钠离子电池".to_string()));
    let mut extended = search::analyzer(Some("钠离子电池 5000\n")).expect("analyzer");
    assert!(words(&mut extended, "钠离子电池储能").contains(&"钠离子电池".to_string()));
    assert!(
        search::analyzer(Some("词 many\n")).is_err(),
        "a bad frequency is refused"
    );
}

#[test]
fn matches_are_ranked_and_explained() {
    let idx = index();
    let demand = catalogue().demands[0].doc();
    let m = for_demand(&idx, &demand, &[Kind::Achievement], 10).expect("match");
    let order: Vec<&str> = m.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(order[0], "A-ready", "{order:?}");
    let ready = &m[0].explanation;
    assert!(
        ready.matched_terms.contains(&"碳化硅".to_string()),
        "{:?}",
        ready.matched_terms
    );
    assert!(ready.field_match && ready.proximity == 1.0 && ready.maturity == 1.0);
    assert_eq!(ready.within_budget, Some(true));
    assert!(ready.summary_zh.contains("命中关键词") && ready.summary_zh.contains("同省市"));
    let early = m.iter().find(|m| m.id == "A-early").expect("early listed");
    assert!(early.explanation.maturity < 1.0 && early.explanation.proximity < 1.0);
    assert!(early.explanation.summary_zh.contains("成熟度偏低"));
    assert!(early.score < m[0].score);
    // Across kinds: the patent, the expert (unavailable, said so) and the instrument come too.
    let all = for_demand(&idx, &demand, &[], 10).expect("match");
    let kinds: std::collections::HashSet<Kind> = all.iter().map(|m| m.kind).collect();
    assert!(
        kinds.contains(&Kind::Patent)
            && kinds.contains(&Kind::Expert)
            && kinds.contains(&Kind::Equipment)
    );
    assert!(!kinds.contains(&Kind::Demand));
    let expert = all.iter().find(|m| m.kind == Kind::Expert).expect("expert");
    assert!(expert.explanation.summary_zh.contains("当前不可用"));
}

#[test]
fn supply_finds_the_demands_it_could_serve_and_weak_pillars_find_supply() {
    let idx = index();
    let cat = catalogue();
    let docs = cat.docs();
    let ready = docs.iter().find(|d| d.id == "A-ready").expect("doc");
    let demands = for_supply(&idx, ready, 5).expect("match");
    assert_eq!(demands.len(), 1);
    assert_eq!(demands[0].id, "D1");
    let s = for_weak_pillars(
        &idx,
        &["Innovation input".to_string()],
        Some("electronic_information"),
        Province::Tianjin,
        3,
    )
    .expect("pillars");
    assert_eq!(s[0].0, "Innovation input");
    assert!(
        s[0].1
            .iter()
            .all(|m| matches!(m.kind, Kind::Equipment | Kind::Expert))
    );
    assert!(!s[0].1.is_empty(), "检测 finds the test instrument");
}

#[test]
fn the_count_is_every_match_whatever_the_limit() {
    let idx = index();
    for (query, filters) in [
        ("封装", Filters::default()),
        (
            "封装",
            Filters {
                kinds: vec![Kind::Patent],
                ..Filters::default()
            },
        ),
        ("", Filters::default()),
        ("不存在的词语组合", Filters::default()),
    ] {
        let all = idx.search(query, &filters, 100_000).expect("search");
        assert_eq!(
            idx.count(query, &filters).expect("count"),
            all.len(),
            "{query}"
        );
        let few = idx.search(query, &filters, 2).expect("search");
        assert!(few.len() <= 2);
    }
    assert!(
        idx.count("封装", &Filters::default()).expect("count") > 2,
        "the limit is not the total"
    );
}
