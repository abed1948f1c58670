//! The default rubric in Swedish (SPEC §14.5): a municipality's panel scores in Swedish, so
//! the seeded rubric gets a Swedish name, Swedish criteria with descriptions, and a meaning
//! for each point of its 1–5 scale. Only the rubric as seeded is rewritten — never edited
//! since (version 1, its seeded name) — and its keys and weights stay, so every scorecard
//! scored with it stays valid.

use sea_orm_migration::prelude::*;
use serde_json::json;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Rubrics {
    Table,
    Name,
    Criteria,
    Version,
    IsDefault,
}

const SEEDED_NAME: &str = "Sustainable City Accelerator";
const SWEDISH_NAME: &str = "Hållbar stad – bedömningsmall";

/// The criteria as the first migration seeded them.
fn english_criteria() -> serde_json::Value {
    let criterion = |key: &str, name: &str, description: &str, weight: f64| json!({ "key": key, "name": name, "description": description, "weight": weight, "scale_min": 1, "scale_max": 5 });
    json!([
        criterion(
            "need_fit",
            "Need fit",
            "How well the idea answers the challenge as the needs-owner wrote it.",
            3.0
        ),
        criterion(
            "social_impact",
            "Social impact",
            "Effects on residents, inclusion and everyday life.",
            2.0
        ),
        criterion(
            "environmental_impact",
            "Environmental impact",
            "Effects on climate, resources and nature.",
            2.0
        ),
        criterion(
            "economic_impact",
            "Economic impact",
            "Costs, savings and value for the parties involved.",
            2.0
        ),
        criterion(
            "feasibility",
            "Feasibility",
            "Whether the team can test it in the city within the time at hand.",
            2.0
        ),
        criterion("novelty", "Novelty", "How new the idea is to the city.", 1.0),
        criterion(
            "scalability",
            "Scalability",
            "Whether it can spread to more sites and owners.",
            1.0
        ),
    ])
}

/// The same criteria in Swedish, each with what its five scores mean.
fn swedish_criteria() -> serde_json::Value {
    let criterion = |key: &str, name: &str, description: &str, weight: f64, labels: [&str; 5]| {
        json!({
            "key": key, "name": name, "description": description, "weight": weight,
            "scale_min": 1, "scale_max": 5,
            "scale_labels": { "1": labels[0], "2": labels[1], "3": labels[2], "4": labels[3], "5": labels[4] }
        })
    };
    json!([
        criterion(
            "need_fit",
            "Svar på behovet",
            "Hur väl idén svarar mot utmaningen så som behovsägaren beskrev den.",
            3.0,
            [
                "Svarar inte mot behovet",
                "Berör behovet i liten del",
                "Svarar mot en del av behovet",
                "Svarar mot det mesta av behovet",
                "Svarar mot hela behovet"
            ],
        ),
        criterion(
            "social_impact",
            "Social nytta",
            "Effekter för de boende, för delaktighet och för vardagen.",
            2.0,
            [
                "Ingen eller negativ effekt",
                "Liten effekt för få",
                "Tydlig effekt för en grupp",
                "Tydlig effekt för många",
                "Stor effekt för många, också de svårast att nå"
            ],
        ),
        criterion(
            "environmental_impact",
            "Miljönytta",
            "Effekter för klimat, resurser och natur.",
            2.0,
            [
                "Ingen eller negativ effekt",
                "Liten effekt",
                "Märkbar effekt",
                "Stor effekt",
                "Mycket stor, mätbar effekt"
            ],
        ),
        criterion(
            "economic_impact",
            "Ekonomisk nytta",
            "Kostnader, besparingar och värde för de inblandade parterna.",
            2.0,
            [
                "Kostar mer än den ger",
                "Osäker kalkyl",
                "Bär sina kostnader",
                "Ger tydliga besparingar eller intäkter",
                "Ger stort värde för flera parter"
            ],
        ),
        criterion(
            "feasibility",
            "Genomförbarhet",
            "Om teamet kan testa idén i staden inom den tid som finns.",
            2.0,
            [
                "Går inte att testa nu",
                "Stora hinder kvar",
                "Går att testa med stöd",
                "Går att testa med lite stöd",
                "Klar att testa"
            ],
        ),
        criterion(
            "novelty",
            "Nyhetsvärde",
            "Hur ny idén är för staden.",
            1.0,
            [
                "Finns redan här",
                "Liten förändring av något som finns",
                "Ny för staden",
                "Ny i Sverige",
                "Ny i världen"
            ],
        ),
        criterion(
            "scalability",
            "Spridbarhet",
            "Om idén kan spridas till fler platser och fastighetsägare.",
            1.0,
            [
                "Passar bara här",
                "Kan spridas till någon plats till",
                "Kan spridas inom staden",
                "Kan spridas till andra städer",
                "Kan spridas brett, nationellt eller längre"
            ],
        ),
    ])
}

/// Rewrites the seeded, never edited default rubric from `from` to `to`.
async fn rewrite(
    manager: &SchemaManager<'_>,
    from: (&str, serde_json::Value),
    to: (&str, serde_json::Value),
) -> Result<(), DbErr> {
    manager
        .exec_stmt(
            Query::update()
                .table(Rubrics::Table)
                .value(Rubrics::Name, to.0)
                .value(Rubrics::Criteria, to.1.to_string())
                .and_where(Expr::col(Rubrics::Name).eq(from.0))
                .and_where(Expr::col(Rubrics::Criteria).eq(from.1.to_string()))
                .and_where(Expr::col(Rubrics::Version).eq(1))
                .and_where(Expr::col(Rubrics::IsDefault).eq(true))
                .to_owned(),
        )
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rewrite(
            manager,
            (SEEDED_NAME, english_criteria()),
            (SWEDISH_NAME, swedish_criteria()),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rewrite(
            manager,
            (SWEDISH_NAME, swedish_criteria()),
            (SEEDED_NAME, english_criteria()),
        )
        .await
    }
}
