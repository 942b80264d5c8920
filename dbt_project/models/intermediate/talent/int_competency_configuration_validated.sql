-- The competency configuration checked against the framework (grain: competency). One row per
-- framework competency with what the companion seeds hold for it; the YAML tests turn a missing
-- or malformed piece of configuration into a failed build.
with framework as (
    select competency_id, competency_name, competency_kind from {{ source('config', 'competency_framework') }}
),

experience_bank as (
    select
        competency_id,
        count(*) filter (where recommendation_kind = 'on_the_job') as on_the_job_recommendations,
        count(*) filter (where recommendation_kind = 'book') as book_recommendations
    from {{ source('config', 'competency_experience_bank') }}
    group by competency_id
),

questions as (
    select competency_id, count(distinct question_number) as interview_questions
    from {{ source('config', 'competency_interview_questions') }}
    group by competency_id
),

expectations as (
    select
        competency_id,
        target_level,
        expected_rating,
        expected_rating < lag(expected_rating) over (partition by competency_id order by target_level) as falls
    from {{ source('config', 'level_competency_expectations') }}
),

target_levels as (
    select count(*) as levels from {{ source('config', 'leadership_levels') }} where leadership_level >= 1
),

expectations_summarised as (
    select
        competency_id,
        count(*) as target_levels_expected,
        not coalesce(bool_or(falls), false) as expectations_never_fall
    from expectations
    group by competency_id
),

final as (
    select
        f.competency_id,
        f.competency_name,
        f.competency_kind,
        coalesce(b.on_the_job_recommendations, 0) as on_the_job_recommendations,
        coalesce(b.book_recommendations, 0) as book_recommendations,
        coalesce(q.interview_questions, 0) as interview_questions,
        coalesce(e.target_levels_expected, 0) as target_levels_expected,
        coalesce(e.target_levels_expected, 0) = t.levels as covers_every_target_level,
        coalesce(e.expectations_never_fall, true) as expectations_never_fall
    from framework as f
    cross join target_levels as t
    left join experience_bank as b on b.competency_id = f.competency_id
    left join questions as q on q.competency_id = f.competency_id
    left join expectations_summarised as e on e.competency_id = f.competency_id
)

select * from final
