//! The demo matchmaking catalogue, and the evaluation set its ranking is measured on.
//!
//! Every entry is written about one latent *topic* (34 topics in the 8 high-tech fields, each a
//! handful of technical terms), with generic words and a term of a sibling topic mixed in, as real
//! texts are. The topic is never written into an entry: the ranking sees only the text, the field,
//! the province, readiness, price and availability. The evaluation set's graded judgments come from
//! the generator's knowledge of topics and of what the demand can use, not from any ranking code:
//!
//! | grade | the candidate… |
//! |---|---|
//! | 3 | is on the demand's topic, usable (mature enough and affordable, available, valid), in the same province |
//! | 2 | is on the demand's topic and usable, elsewhere in 京津冀 |
//! | 1 | is on the demand's topic but not usable now (immature, over budget, unavailable, lapsed) |
//! | 0 | anything else |

use std::collections::HashMap;

use kechuang_matching::catalogue::{
    Achievement, Catalogue, Demand, Equipment, Expert, Patent, Province, Service,
};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// (field key, topic terms).
const TOPICS: [(&str, [&str; 5]); 34] = [
    (
        "electronic_information",
        ["碳化硅", "功率器件", "封装", "热阻", "银烧结"],
    ),
    (
        "electronic_information",
        ["机器视觉", "图像识别", "缺陷检测", "深度学习", "工业相机"],
    ),
    (
        "electronic_information",
        ["工业互联网", "边缘计算", "数据采集", "5G", "设备联网"],
    ),
    (
        "electronic_information",
        ["信创", "操作系统", "数据库", "国产化替代", "中间件"],
    ),
    (
        "electronic_information",
        ["传感器", "激光雷达", "MEMS", "信号处理", "标定"],
    ),
    (
        "biology_medicine",
        ["抗体药物", "细胞株", "纯化", "表达量", "生物反应器"],
    ),
    (
        "biology_medicine",
        ["体外诊断", "试剂盒", "化学发光", "灵敏度", "标志物"],
    ),
    (
        "biology_medicine",
        ["医疗器械", "超声", "影像", "注册证", "探头"],
    ),
    (
        "biology_medicine",
        ["中药制剂", "提取", "指纹图谱", "质量标准", "有效成分"],
    ),
    (
        "biology_medicine",
        ["合成生物学", "发酵", "菌株", "酶催化", "代谢通路"],
    ),
    ("aerospace", ["无人机", "飞控", "续航", "载荷", "航迹"]),
    (
        "aerospace",
        ["复合材料", "碳纤维", "热压罐", "成型", "铺层"],
    ),
    ("aerospace", ["卫星导航", "北斗", "定位", "授时", "抗干扰"]),
    (
        "new_materials",
        ["石墨烯", "导热膜", "分散", "浆料", "片层"],
    ),
    (
        "new_materials",
        ["涂层", "耐腐蚀", "喷涂", "附着力", "盐雾"],
    ),
    (
        "new_materials",
        ["稀土永磁", "钕铁硼", "矫顽力", "晶界扩散", "磁体"],
    ),
    (
        "new_materials",
        ["高分子材料", "改性", "阻燃", "注塑", "韧性"],
    ),
    (
        "high_tech_services",
        ["检验检测", "CMA", "认证", "检测报告", "计量"],
    ),
    (
        "high_tech_services",
        ["知识产权", "专利布局", "侵权分析", "价值评估", "导航"],
    ),
    (
        "high_tech_services",
        ["工业设计", "外观", "结构设计", "样机", "人机工程"],
    ),
    (
        "new_energy",
        ["锂电池", "正极材料", "循环寿命", "能量密度", "电解液"],
    ),
    (
        "new_energy",
        ["储能", "电池管理", "变流器", "削峰填谷", "液冷"],
    ),
    (
        "new_energy",
        ["光伏", "组件", "转换效率", "逆变器", "钙钛矿"],
    ),
    (
        "new_energy",
        ["氢能", "燃料电池", "电堆", "催化剂", "质子交换膜"],
    ),
    (
        "new_energy",
        ["充电桩", "快充", "功率模块", "有序充电", "车网互动"],
    ),
    (
        "resources_environment",
        ["污水处理", "膜分离", "COD", "脱氮", "污泥"],
    ),
    (
        "resources_environment",
        ["固废处理", "资源化", "焚烧", "飞灰", "填埋"],
    ),
    (
        "resources_environment",
        ["碳捕集", "余热回收", "能耗监测", "节能减排", "烟气"],
    ),
    (
        "resources_environment",
        ["土壤修复", "重金属", "淋洗", "稳定化", "地下水"],
    ),
    (
        "advanced_manufacturing",
        ["工业机器人", "焊接", "路径规划", "协作", "示教"],
    ),
    (
        "advanced_manufacturing",
        ["数控机床", "精密加工", "主轴", "误差补偿", "刀具"],
    ),
    (
        "advanced_manufacturing",
        ["增材制造", "3D打印", "金属粉末", "激光熔覆", "致密度"],
    ),
    (
        "advanced_manufacturing",
        ["数字孪生", "预测性维护", "振动分析", "故障诊断", "寿命预测"],
    ),
    (
        "advanced_manufacturing",
        ["新能源汽车", "电驱", "热管理", "轻量化", "底盘"],
    ),
];

const GENERIC: [&str; 16] = [
    "工艺",
    "系统",
    "方法",
    "平台",
    "优化",
    "设计",
    "效率",
    "成本",
    "质量",
    "稳定性",
    "产线",
    "自动化",
    "性能",
    "可靠性",
    "集成",
    "测试",
];

const UNIVERSITIES: [(&str, Province); 10] = [
    ("天津大学", Province::Tianjin),
    ("南开大学", Province::Tianjin),
    ("河北工业大学", Province::Tianjin),
    ("天津理工大学", Province::Tianjin),
    ("清华大学", Province::Beijing),
    ("北京航空航天大学", Province::Beijing),
    ("中国科学院某研究所", Province::Beijing),
    ("北京理工大学", Province::Beijing),
    ("河北大学", Province::Hebei),
    ("燕山大学", Province::Hebei),
];

const SURNAMES: [&str; 12] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙",
];

const SERVICE_CATEGORIES: [&str; 6] = [
    "检验检测",
    "知识产权",
    "技术转移",
    "科技金融",
    "工业设计",
    "信创适配",
];

fn pick<'a>(rng: &mut SmallRng, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

fn province(rng: &mut SmallRng) -> Province {
    match rng.random_range(0..10) {
        0..=5 => Province::Tianjin,
        6..=8 => Province::Beijing,
        _ => Province::Hebei,
    }
}

/// A sibling topic (same field) of `t`, or `t` when it has none.
fn sibling(rng: &mut SmallRng, t: usize) -> usize {
    let field = TOPICS[t].0;
    let siblings: Vec<usize> = (0..TOPICS.len())
        .filter(|&i| i != t && TOPICS[i].0 == field)
        .collect();
    if siblings.is_empty() {
        t
    } else {
        siblings[rng.random_range(0..siblings.len())]
    }
}

/// How a text is written.
#[derive(Clone, Copy)]
enum Voice {
    /// A short title.
    Title,
    /// An enterprise describing its problem.
    Demand,
    /// A university or provider describing what it offers.
    Supply,
}

const TITLES: [&str; 6] = [
    "{a}{b}关键技术",
    "基于{a}的{b}{g}",
    "{a}{g}与{b}研究",
    "高{h}{a}{b}",
    "{a}与{b}一体化{g}",
    "面向{a}的{b}技术",
];

const DEMANDS: [&str; 4] = [
    "我公司在{a}环节{g}不足，{b}的{h}有待提升，希望引进{c}相关技术{s}。",
    "现有{a}产线的{b}问题突出，急需在{c}方面开展{g}攻关{s}。",
    "为提高{a}的{g}，需解决{b}与{c}的匹配问题{s}。",
    "产品{h}受制于{a}，拟与高校合作突破{b}和{c}{s}。",
];

const SUPPLIES: [&str; 4] = [
    "本成果围绕{a}，提出{b}{g}方法，{c}的{h}显著提升{s}。",
    "针对{a}中的{b}难题，研制了{c}{g}装置，已完成{h}验证{s}。",
    "可提供{a}、{b}及{c}相关的{g}与{h}服务{s}。",
    "团队长期从事{a}与{b}研究，在{c}{g}方面积累了成套工艺{s}。",
];

/// A text about topic `t` in a voice: the topic's terms in a sentence of that voice, generic words
/// around them, and now and then a sibling topic's term.
fn text(rng: &mut SmallRng, t: usize, voice: Voice) -> String {
    let mut terms = TOPICS[t].1.to_vec();
    let mut take = || terms.swap_remove(rng.random_range(0..terms.len()));
    let (a, b, c) = (take(), take(), take());
    let template = match voice {
        Voice::Title => pick(rng, &TITLES),
        Voice::Demand => pick(rng, &DEMANDS),
        Voice::Supply => pick(rng, &SUPPLIES),
    };
    let sibling_term = if rng.random::<f64>() < 0.5 {
        let s = sibling(rng, t);
        format!("，兼顾{}", pick(rng, &TOPICS[s].1))
    } else {
        String::new()
    };
    template
        .replace("{a}", a)
        .replace("{b}", b)
        .replace("{c}", c)
        .replace("{g}", pick(rng, &GENERIC))
        .replace("{h}", pick(rng, &GENERIC))
        .replace("{s}", &sibling_term)
}

/// The demo catalogue and, for each demand, its topic; supply entries' topics by id.
pub struct Generated {
    /// The catalogue.
    pub catalogue: Catalogue,
    /// Each entry's latent topic, by id (patents by number).
    pub topics: HashMap<String, usize>,
}

/// A catalogue of about `size` entries in realistic proportions: demands 20 %, achievements 25 %,
/// patents 30 %, experts 12 %, equipment 8 %, services 5 %.
pub fn catalogue(size: usize, seed: u64) -> Generated {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut c = Catalogue::default();
    let mut topics = HashMap::new();
    let share = |p: usize| (size * p / 100).max(1);
    for i in 0..share(20) {
        let t = rng.random_range(0..TOPICS.len());
        let id = format!("D{i:06}");
        topics.insert(id.clone(), t);
        c.demands.push(Demand {
            id,
            enterprise: format!("91120116MA{:07}X", rng.random_range(0..9_999_999)),
            title: format!(
                "{}{}需求",
                text(&mut rng, t, Voice::Title),
                pick(&mut rng, &["攻关", "改进", "合作"])
            ),
            problem: text(&mut rng, t, Voice::Demand),
            indicators: format!(
                "{}提高{}%",
                pick(&mut rng, &GENERIC),
                rng.random_range(10..60)
            ),
            basis: format!("已有{}", pick(&mut rng, &GENERIC)),
            budget: Some(f64::from(rng.random_range(10..300))),
            cooperation: pick(&mut rng, &["transfer", "licence", "joint", "commissioned"]).into(),
            field: TOPICS[t].0.into(),
            region: province(&mut rng),
            min_trl: Some(rng.random_range(4..=8)),
            deadline: Some(format!("2027-{:02}-28", rng.random_range(1..=12))),
            status: "open".into(),
        });
    }
    for i in 0..share(25) {
        let t = rng.random_range(0..TOPICS.len());
        let (owner, region) = UNIVERSITIES[rng.random_range(0..UNIVERSITIES.len())];
        let low = f64::from(rng.random_range(5..400));
        let id = format!("A{i:06}");
        topics.insert(id.clone(), t);
        c.achievements.push(Achievement {
            id,
            title: text(&mut rng, t, Voice::Title),
            summary: text(&mut rng, t, Voice::Supply),
            field: TOPICS[t].0.into(),
            trl: rng.random_range(2..=9),
            ip: vec![format!(
                "ZL{}1{:07}.{}",
                rng.random_range(2016..2026),
                rng.random_range(0..9_999_999),
                rng.random_range(0..10)
            )],
            transfer_mode: pick(&mut rng, &["transfer", "licence", "equity", "joint"]).into(),
            price: Some((low, low * 1.5)),
            owner: owner.into(),
            region,
        });
    }
    for i in 0..share(30) {
        let t = rng.random_range(0..TOPICS.len());
        let (holder, region) = UNIVERSITIES[rng.random_range(0..UNIVERSITIES.len())];
        let number = format!("ZL2{:03}1{:07}.{}", rng.random_range(16..26), i, i % 10);
        topics.insert(number.clone(), t);
        c.patents.push(Patent {
            number,
            title: format!("一种{}的方法", text(&mut rng, t, Voice::Title)),
            abstract_text: text(&mut rng, t, Voice::Supply),
            class: if rng.random::<f64>() < 0.7 { "I" } else { "II" }.into(),
            holder: holder.into(),
            status: if rng.random::<f64>() < 0.85 {
                "valid"
            } else {
                "lapsed"
            }
            .into(),
            field: TOPICS[t].0.into(),
            region,
        });
    }
    for i in 0..share(12) {
        let t = rng.random_range(0..TOPICS.len());
        let (org, region) = UNIVERSITIES[rng.random_range(0..UNIVERSITIES.len())];
        let mut keywords: Vec<String> = TOPICS[t]
            .1
            .iter()
            .take(3 + i % 3)
            .map(|s| s.to_string())
            .collect();
        keywords.push(pick(&mut rng, &GENERIC).into());
        let id = format!("E{i:06}");
        topics.insert(id.clone(), t);
        c.experts.push(Expert {
            id,
            name: format!(
                "{}{}",
                pick(&mut rng, &SURNAMES),
                pick(
                    &mut rng,
                    &["伟", "敏", "静", "磊", "洋", "勇", "艳", "杰", "涛", "明"]
                )
            ),
            affiliations: vec![format!("{org} ({}–)", rng.random_range(1998..2022))],
            titles: vec![pick(&mut rng, &["教授", "研究员", "正高级工程师", "副教授"]).into()],
            fields: vec![TOPICS[t].0.into()],
            keywords,
            works: vec![text(&mut rng, t, Voice::Title)],
            service_modes: vec![
                pick(
                    &mut rng,
                    &["consulting", "joint_research", "part_time", "training"],
                )
                .into(),
            ],
            region,
            available: rng.random::<f64>() < 0.8,
        });
    }
    for i in 0..share(8) {
        let t = rng.random_range(0..TOPICS.len());
        let (host, region) = UNIVERSITIES[rng.random_range(0..UNIVERSITIES.len())];
        let id = format!("Q{i:06}");
        topics.insert(id.clone(), t);
        c.equipment.push(Equipment {
            id,
            instrument: format!(
                "{}{}",
                TOPICS[t].1[rng.random_range(0..5)],
                pick(&mut rng, &["测试仪", "分析仪", "试验平台", "检测系统"])
            ),
            model: format!("M-{}", rng.random_range(100..999)),
            host: format!(
                "{host}{}",
                pick(&mut rng, &["重点实验室", "分析测试中心", "工程中心"])
            ),
            location: region.abbr().into(),
            capabilities: text(&mut rng, t, Voice::Supply),
            booking: "线上预约，提前三个工作日".into(),
            fee: Some(f64::from(rng.random_range(200..3000))),
            field: TOPICS[t].0.into(),
            region,
            available: rng.random::<f64>() < 0.85,
        });
    }
    for i in 0..share(5) {
        let t = rng.random_range(0..TOPICS.len());
        let category = pick(&mut rng, &SERVICE_CATEGORIES);
        let id = format!("S{i:06}");
        topics.insert(id.clone(), t);
        c.services.push(Service {
            id,
            name: format!(
                "{}{}{}服务有限公司",
                province(&mut rng).abbr(),
                TOPICS[t].1[0],
                category
            ),
            category: category.into(),
            services: text(&mut rng, t, Voice::Supply),
            qualifications: vec![
                pick(&mut rng, &["CMA", "CNAS", "高新技术企业", "ISO9001"]).into(),
            ],
            field: Some(TOPICS[t].0.into()),
            region: province(&mut rng),
        });
    }
    Generated {
        catalogue: c,
        topics,
    }
}

/// The graded judgments of every supply entry on the demand's topic (see the module's table).
pub fn judgments(generated: &Generated, demand: &Demand) -> HashMap<String, u8> {
    let Some(&topic) = generated.topics.get(&demand.id) else {
        return HashMap::new();
    };
    let c = &generated.catalogue;
    let need = demand.min_trl.unwrap_or(6);
    let budget = demand.budget.unwrap_or(f64::INFINITY);
    let mut out = HashMap::new();
    let mut judge = |id: &str, region: Province, usable: bool| {
        if generated.topics.get(id) != Some(&topic) {
            return;
        }
        let grade = match (usable, region == demand.region) {
            (true, true) => 3,
            (true, false) => 2,
            (false, _) => 1,
        };
        out.insert(id.to_string(), grade);
    };
    for a in &c.achievements {
        let affordable = a.price.is_none_or(|p| p.0 <= budget);
        judge(&a.id, a.region, a.trl >= need && affordable);
    }
    for p in &c.patents {
        judge(&p.number, p.region, p.status == "valid");
    }
    for e in &c.experts {
        judge(&e.id, e.region, e.available);
    }
    for q in &c.equipment {
        judge(&q.id, q.region, q.available);
    }
    for s in &c.services {
        judge(&s.id, s.region, true);
    }
    out
}

/// A demand and its graded judgments (candidate id → grade).
pub type Judged = (kechuang_matching::Doc, HashMap<String, u8>);

/// The evaluation set: the first `demands` demands of a catalogue of `size` entries, each with its
/// judgments.
pub fn evaluation_set(size: usize, demands: usize, seed: u64) -> (Generated, Vec<Judged>) {
    let g = catalogue(size, seed);
    let set = g
        .catalogue
        .demands
        .iter()
        .take(demands)
        .map(|d| (d.doc(), judgments(&g, d)))
        .collect();
    (g, set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proportions_and_judgments_follow_the_rules() {
        let g = catalogue(2000, 3);
        let c = &g.catalogue;
        assert_eq!(c.demands.len(), 400);
        assert_eq!(c.patents.len(), 600);
        assert_eq!(c.len(), 2000);
        let d = &c.demands[0];
        let j = judgments(&g, d);
        assert!(!j.is_empty());
        for (id, grade) in &j {
            assert_eq!(
                g.topics[id], g.topics[&d.id],
                "only the demand's topic is judged"
            );
            assert!((1..=3).contains(grade));
        }
        // An immature achievement on the topic is grade 1, whatever its province.
        if let Some(a) = c
            .achievements
            .iter()
            .find(|a| g.topics[&a.id] == g.topics[&d.id] && a.trl < d.min_trl.unwrap_or(6))
        {
            assert_eq!(j[&a.id], 1);
        }
        // The same seed, the same catalogue.
        assert_eq!(catalogue(2000, 3).catalogue, g.catalogue);
    }
}
