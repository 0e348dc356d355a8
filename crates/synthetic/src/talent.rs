//! A synthetic talent register for the demo: people across 京津冀 with titles, programmes, awards,
//! projects and output in plausible proportions (most below the top tiers), and some people recorded
//! twice by different sources, as happens when an institution's list and an application meet.

use kechuang_talent::{Affiliation, Award, OutputYear, Person, Project};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "胡", "朱", "郭",
    "何", "罗", "高", "林",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "军", "涛", "明", "超", "秀英",
    "建华", "海燕", "志强", "晓东", "文博", "子涵", "一鸣", "思远", "雨萱",
];
const FIELDS: &[&str] = &[
    "新一代信息技术",
    "人工智能",
    "生物医药",
    "新材料",
    "高端装备",
    "新能源",
    "节能环保",
    "信创",
];
/// (region, institutions).
const INSTITUTIONS: &[(&str, &[&str])] = &[
    (
        "津",
        &[
            "天津大学",
            "南开大学",
            "天津工业大学",
            "天津医科大学",
            "中国科学院天津工业生物技术研究所",
            "天津市某信创企业",
        ],
    ),
    (
        "京",
        &[
            "清华大学",
            "北京大学",
            "北京航空航天大学",
            "中国科学院计算技术研究所",
        ],
    ),
    (
        "冀",
        &["河北工业大学", "燕山大学", "河北大学", "石家庄某装备企业"],
    ),
];

fn pick<'a>(rng: &mut SmallRng, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

fn person(rng: &mut SmallRng, i: usize, year: i32) -> Person {
    let r = rng.random::<f64>();
    let (region, institutions) = INSTITUTIONS[if r < 0.6 {
        0
    } else if r < 0.85 {
        1
    } else {
        2
    }];
    let birth_year = year - rng.random_range(26..=70);
    let age = year - birth_year;
    let senior = age > 40 && rng.random::<f64>() < 0.55;
    let mut titles = Vec::new();
    if senior {
        titles.push(pick(rng, &["教授", "研究员", "正高级工程师"]).to_string());
    } else if age > 32 && rng.random::<f64>() < 0.4 {
        titles.push(pick(rng, &["副教授", "副研究员", "高级工程师"]).to_string());
    }
    if senior && age > 55 && rng.random::<f64>() < 0.02 {
        titles.push(pick(rng, &["中国科学院院士", "中国工程院院士"]).to_string());
    }
    let mut programmes = Vec::new();
    if senior && rng.random::<f64>() < 0.06 {
        programmes.push(pick(rng, &["国家杰出青年科学基金", "长江学者特聘教授"]).to_string());
    }
    let mut awards = Vec::new();
    if senior && rng.random::<f64>() < 0.15 {
        let national = rng.random::<f64>() < 0.3;
        awards.push(Award {
            name: if national {
                "国家科学技术进步奖"
            } else {
                "省部级科学技术奖"
            }
            .into(),
            level: if national { "national" } else { "provincial" }.into(),
            grade: rng.random_range(1..=3),
            position: rng.random_range(1..=9),
            year: year - rng.random_range(0..12),
        });
    }
    let projects = (0..rng.random_range(0..if senior { 5 } else { 2 }))
        .map(|k| {
            let national = rng.random::<f64>() < 0.35;
            Project {
                title: format!("项目{i}-{k}"),
                level: if national { "national" } else { "provincial" }.into(),
                year: year - rng.random_range(0..8),
            }
        })
        .collect();
    let outputs = (0..3)
        .map(|k| OutputYear {
            year: year - k,
            count: rng.random_range(0..if senior { 6 } else { 3 }),
        })
        .collect();
    let name = format!("{}{}", pick(rng, SURNAMES), pick(rng, GIVEN));
    Person {
        id: format!("T{i:06}"),
        source: format!("{} 人才名单", institutions[0]),
        orcid: (rng.random::<f64>() < 0.3).then(|| {
            format!(
                "0000-000{}-{:04}-{:04}",
                rng.random_range(1..4),
                i / 10_000,
                i % 10_000
            )
        }),
        email: (rng.random::<f64>() < 0.5).then(|| format!("p{i}@example.edu.cn")),
        name,
        birth_year: Some(birth_year),
        region: region.into(),
        fields: vec![pick(rng, FIELDS).to_string()],
        titles,
        programmes,
        doctorate: rng.random::<f64>() < if age < 45 { 0.75 } else { 0.5 },
        awards,
        projects,
        outputs,
        affiliations: vec![Affiliation {
            institution: pick(rng, institutions).into(),
            from: birth_year + rng.random_range(24..30),
            to: None,
        }],
    }
}

/// `people` people as of `year`, and about 3% more records that are people already listed, entered
/// again by another source (the name spaced differently, identifiers dropped, data partial).
pub fn talent_register(people: usize, year: i32, seed: u64) -> Vec<Person> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut out: Vec<Person> = (0..people).map(|i| person(&mut rng, i, year)).collect();
    let again = people * 3 / 100;
    for k in 0..again {
        let original = &out[rng.random_range(0..people)];
        let mut chars = original.name.chars();
        let surname: String = chars.next().into_iter().collect();
        let copy = Person {
            id: format!("A{k:06}"),
            source: format!("{year} 人才申报"),
            orcid: None,
            email: None,
            name: format!("{surname} {}", chars.as_str()),
            programmes: Vec::new(),
            awards: Vec::new(),
            ..original.clone()
        };
        out.push(copy);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_register_is_seeded_and_its_second_entries_are_found_as_duplicates() {
        let a = talent_register(2000, 2026, 5);
        assert_eq!(a, talent_register(2000, 2026, 5));
        assert_eq!(a.len(), 2060);
        let found = kechuang_talent::find_duplicates(&a);
        let re_entered = found
            .iter()
            .filter(|d| a[d.b].id.starts_with('A') && !a[d.a].id.starts_with('A'))
            .count();
        // Every second entry is found (a re-entry drawn twice pairs with its twin too).
        assert!(re_entered >= 60, "{re_entered}");
        let tiers: Vec<Option<String>> = a
            .iter()
            .map(|p| kechuang_talent::evaluate(p, &kechuang_talent::shipped(), 2026).tier)
            .collect();
        let top = tiers.iter().filter(|t| t.as_deref() == Some("A")).count();
        let none = tiers.iter().filter(|t| t.is_none()).count();
        assert!(
            top < 40 && none > 200,
            "a pyramid: {top} in A, {none} below"
        );
    }
}
