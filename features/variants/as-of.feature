Feature: The policy as it stood on a day (--as-of)
  Rules, tier outcomes, terms and exceptions may carry `effective` and `expires` dates (both days
  included). `--as-of 2025-09-01` evaluates the policy as it stood that day: rules not yet in
  force are left out, and each tier shows the outcome then in force, with the last day it is in
  force when it has one. Without --as-of the day is today. A tier whose outcomes all start later
  has no outcome on record for that day, and the report says so rather than showing a later one.

  Scenario: Before the China-deal rule took effect, Canada was not capped for its deal
    Given the evaluation date is 2025-09-01
    When partner "CAN" is evaluated
    Then the policy has no rule "deals-no-new-china-deal"
    And its tier is "aligned"
    And its tier is not capped

  Scenario: Once the rule is in force, the same profile is capped at non-aligned
    Given the evaluation date is 2026-03-01
    When partner "CAN" is evaluated
    Then rule "deals-no-new-china-deal" is violated
    And its tier is "non-aligned"
    And its tier was capped by rule "deals-no-new-china-deal"

  Scenario: A tier's outcome history: the 40% rate in force in 2025
    Given the evaluation date is 2025-09-01
    When partner "MYS" is evaluated
    Then its tier is "watch"
    And its tariff rate is 40%
    And its outcome status is "in_force"
    And its outcome expires on 2026-02-19

  Scenario: The same tier after the Supreme Court's ruling
    Given the evaluation date is 2026-03-01
    When partner "MYS" is evaluated
    Then its tariff rate is 40%
    And its outcome status is "struck_down"
    And its outcome has no expiry date

  Scenario: On the day the pause was announced no outcome of this model was yet in force
    Given the evaluation date is 2025-04-09
    When partner "MYS" is evaluated
    Then its tier is "watch"
    And it has no tariff outcome on record
