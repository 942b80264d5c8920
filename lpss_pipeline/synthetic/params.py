"""The generator's own simulation parameters, kept in one place.

These numbers shape the demo organisation (spans, turnover, how noisy metrics are). They are not
business configuration: scorecard weights, floors, targets and thresholds live in the configuration
(lpss_pipeline/config/defaults) and are never read here. The metric levels below were tuned so
that, scored with the default SPEC section 3 configuration, leaders' composites centre in the 70s
with enough spread that leaders cross the 70 and 85 band boundaries from month to month.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SimParams:
    # --- organisation tree (org.py) ---
    span_lo: int = 4  # every manager seat but the CEO's has 4-10 direct report seats
    span_hi: int = 10
    ic_span_target: float = 7.0  # ICs per first-line manager: ICs are about 6/7 of the seats
    manager_span_target: float = 4.5  # tiers 2-3: small orgs still get several directors
    vp_span_target: float = 5.5  # tiers above directors are all level 4 (VPs)
    max_ceo_span: int = 8  # stop adding VP tiers once the top tier fits under the CEO
    solo_lead_share: float = 0.04  # first-line leader seats with no reports (leads), at least two
    revenue_share: float = 0.4  # share of departments that are revenue-generating
    dominant_region_share: float = 0.6  # teams in a department's home region; the rest spread out
    critical_share: tuple[float, ...] = (0.0, 0.1, 0.3, 1.0, 1.0)  # by level: all L3/L4, 30% L2, 10% L1

    # --- people and latent traits (workforce.py) ---
    ability_sd: float = 0.8  # latent ability a ~ N(0, ability_sd)
    noise_sd: float = 0.55  # stationary sd of the AR(1) monthly performance noise
    phi: float = 0.8  # month-to-month autocorrelation of performance noise
    growth_mean: float = 0.25  # readiness gained per year in level
    growth_sd: float = 0.1
    readiness_dev_weight: float = 0.5  # development engagement's share of readiness
    readiness_years_cap: float = 4.0  # time in level stops adding readiness after this
    strength_sd: float = 0.6  # per-person, per-competency offset

    # --- movement (workforce.py) ---
    exit_rate_ic: float = 0.011  # monthly base hazard (about 12% a year)
    exit_rate_leader: float = 0.007
    exit_perf_slope: float = 0.6  # hazard multiplier exp(-slope * performance): low performers leave
    fill_prob_leader: float = 0.8  # a leadership vacancy stays open another month otherwise
    fill_prob_ic: float = 0.92
    min_months_in_level: int = 6  # before a promotion, when enough candidates have it
    promotion_beta: float = 1.6  # weight of latent readiness in the Gumbel top-k choice
    promotion_pool_bonus: float = 0.6  # talent-pool members are favoured ...
    promotion_ready_bonus: float = 0.9  # ... and so are people assessed ready
    preselect_factor: int = 30  # candidates considered per vacancy (keeps 1M orgs fast)

    # --- talent reviews (workforce.py) ---
    review_months: tuple[int, ...] = (3, 9)  # semi-annual, calendar months
    pool_share: tuple[float, ...] = (0.12, 0.3, 0.3, 0.3)  # by level 0-3: bench = 12% of ICs
    review_noise_sd: float = 0.5
    ready_share: float = 0.4  # of pool members at a review, share called ready

    # --- monthly metrics (performance.py) ---
    goal_mean: float = 89.0
    goal_slope: float = 13.0
    goal_noise_sd: float = 7.0
    survey_mean: float = 3.8
    survey_slope: float = 0.28
    survey_noise_sd: float = 0.2
    response_rate: float = 0.75
    feedback_logit_mean: float = 2.3
    feedback_logit_slope: float = 0.7
    impact_mean: float = 3.75
    impact_slope: float = 0.45
    impact_noise_sd: float = 0.45
    revenue_growth: float = 0.06  # yearly growth of revenue targets
    revenue_perf_slope: float = 0.1
    revenue_noise_sd: float = 0.08
    deal_size: float = 25_000.0
    poor_month_perf: float = -0.6  # a leader below this gets a leadership review
    review_on_time: float = 0.7  # held within 48 hours of the alert; late below; never the rest
    review_late: float = 0.2

    # --- development (development.py, mentoring.py) ---
    required_extra_prob: float = 0.3  # 1 + Binomial(2, p) required courses a quarter
    optional_prob: float = 0.08  # an optional course a month
    training_complete_logit: float = 3.0
    training_on_time_logit: float = 2.4
    milestone_prob: float = 0.3  # a new IDP milestone a month
    milestone_complete_logit: float = 1.9
    milestone_on_time_logit: float = 1.3
    mentee_start_prob: float = 0.08  # a month, for bench candidates and L1-L2 leaders without a mentor
    mentee_initial_share: float = 0.45  # already paired when the window opens
    lead_mentor_share: float = 0.5  # level-1 mentors drawn from the leads without reports
    session_complete_logit: float = 2.6
    session_missed_share: float = 0.6  # of sessions not completed; the rest are cancelled
    scheduled_horizon_days: int = 14  # future sessions the HRIS already holds at export time

    # --- succession (succession.py) ---
    slate_size_probs: tuple[float, ...] = (0.1, 0.2, 0.3, 0.25, 0.15)  # 0-4 candidates
    ready_now_share: float = 0.3  # of nominations, by score; then ready_1_2_years
    ready_1_2_share: float = 0.4
    emergency_prob: float = 0.7  # rank-1 candidates (not 3+ years) named emergency successor


PARAMS = SimParams()
