"""The demo organisation generator: HRIS and CRM export batches exactly per the contract.

Public API (generate.py): ``generate_history`` writes a full history batch per system plus the
latent truth; ``generate_next_month`` adds one incremental month. Decisions are written in each
module's docstring:

- params.py       the simulation's own parameters (never business configuration)
- access_roles.py the demo organisation's own access_roles.csv (its HR admins, its executive)
- vocabulary.py   names, functions, regions, courses; the competency framework is read from
                  the default configuration, not restated
- timeline.py     day numbers, the window, and per-month random streams (prefix-stable months)
- org.py          the static tree of seats, departments, regions, critical positions
- workforce.py    people moving through seats: promotions, hires, exits, talent reviews
- performance.py  monthly metric paths, CRM revenue, leadership reviews
- development.py  trainings, IDP milestones, competency assessments
- mentoring.py    mentor assignments and sessions
- simulate.py     the month loop
- asof.py         what an export on a given day can see
- snapshots.py, succession.py, events.py, crm.py   contract tables as of that day
- identity.py     employee ids, names, e-mails, Slack ids
- truth.py        the latent truth, beside (never inside) the landing zone
- records.py, columns.py, progress.py   columnar containers, Arrow columns, the progress bar
- batch_writer.py writes a batch, manifest last
"""
