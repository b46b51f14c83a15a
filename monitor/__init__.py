"""The monitor: rules (data) over the store → findings; compliance (deadlines) → findings;
a scheduler that recrawls and checks; alert reports and notifications of what is new.

Split after Spidermon: checking (rules, compliance, health) apart from when it runs (scheduler)
apart from what happens on failure (alerts, notify).
"""
