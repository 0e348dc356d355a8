//! `kechuang demo`: a synthetic region, its framework and a full index build, in one command.

use anyhow::{Context, Result};
use kechuang_synthetic::{Shape, dataset, framework_spec};
use kechuang_tabular::{dataset_table, write_csv};

use crate::args::{BuildArgs, DemoArgs};
use crate::index;

pub fn run(args: &DemoArgs) -> Result<()> {
    let shape = Shape {
        units: args.units,
        indicators: 20,
        pillars: 5,
        sub_indexes: 2,
        groups: 16,
        ..Shape::default()
    };
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("creating {}", args.dir.display()))?;
    let data_path = args.dir.join("data.csv");
    let framework_path = args.dir.join("framework.toml");
    write_csv(&dataset_table("data", &dataset(&shape)), &data_path)?;
    let toml = framework_spec(&shape, true)
        .to_toml()
        .map_err(anyhow::Error::msg)?;
    std::fs::write(&framework_path, toml)
        .with_context(|| format!("writing {}", framework_path.display()))?;
    println!(
        "demo data: {} ({} units × {} indicators)",
        data_path.display(),
        shape.units,
        shape.indicators
    );
    println!("framework: {}", framework_path.display());
    index::build(&BuildArgs {
        data: data_path,
        framework: framework_path,
        out: args.dir.join("build"),
        xlsx: true,
        groups: Vec::new(),
    })
}
