Feature: Per-partner terms and exceptions
  The demands vary by nation. A policy's `terms:` give one partner or a group (by `partners:` or
  `groups:`) its own limits and weights (`change:`), extra rules (`rules:`) or a different outcome
  table (`change: tiers:`), for example the terms of a trade deal; the finding names the term
  that set it. `exceptions:` waive one rule for one partner, with a justification, the day it was
  granted and the day it expires. A waived violation is `excepted` and keeps what it would have
  been; how it counts is the policy's `scoring.excepted` (left out of the score by default). An
  expired exception no longer applies and says so. Terms and exceptions carry dates, so the
  evaluation date decides which are in force.

  The example overlay policies/examples/deal-terms.yaml is used throughout.

  Background:
    Given the policy "policies/examples/deal-terms.yaml"
    And the evaluation date is 2026-03-01

  Scenario: The UK's deal term tightens one limit and adds a rule, for the UK only
    When partner "GBR" is evaluated
    Then the terms "uk-epd-steel" apply to it
    And rule "inputs-steel-share" was set by the term "uk-epd-steel"
    And rule "inputs-steel-share" is violated
    And the message of rule "inputs-steel-share" is "Chinese share of imports by industrial-input group (steel) 14% exceeds the 10% limit by 4 points"
    And rule "inputs-uk-steel-plant-ownership" is satisfied
    And its score is 85.2
    And its tier is "aligned"

  Scenario: The UK's deal term also brings its own outcome table
    When partner "GBR" is evaluated
    Then its tariff rate is 10%
    And its legal authority is "section_232"
    And its outcome status is "in_force"

  Scenario: Other partners do not get the UK's terms
    When partner "MYS" is evaluated
    Then no terms apply to it
    And the policy has no rule "inputs-uk-steel-plant-ownership"
    And the message of rule "inputs-steel-share" says "exceeds the 25% limit"

  Scenario: Cambodia's agreement sets the tariff of its tier
    When partner "KHM" is evaluated
    Then the terms "cambodia-art-2025" apply to it
    And its tier is "watch"
    And its tariff rate is 19%
    And its outcome status is "struck_down"

  Scenario: Before a term takes effect it does not apply
    Given the evaluation date is 2025-06-01
    When partner "GBR" is evaluated
    Then no terms apply to it
    And the policy has no rule "inputs-uk-steel-plant-ownership"

  Scenario: An exception in force turns a violation into "excepted"
    When partner "MEX" is evaluated
    Then rule "inputs-usmca-steel-melt-pour" is excepted
    And rule "inputs-usmca-steel-melt-pour" would be violated without its exception
    And the exception for rule "inputs-usmca-steel-melt-pour" is active
    And the message of rule "inputs-usmca-steel-melt-pour" says "excepted by mex-melt-pour-transition until 2026-12-31"
    And it has 1 excepted findings
    And its score is 35.1

  Scenario: After it expires, the same exception no longer applies
    Given the evaluation date is 2027-01-01
    When partner "MEX" is evaluated
    Then rule "inputs-usmca-steel-melt-pour" is violated
    And the exception for rule "inputs-usmca-steel-melt-pour" is expired
    And it has 0 excepted findings

  Scenario: An expired exception is reported, and the violation counts
    When partner "VNM" is evaluated
    Then rule "transshipment-rerouting-ceiling" is violated
    And the exception for rule "transshipment-rerouting-ceiling" is expired
    And the message of rule "transshipment-rerouting-ceiling" says "(exception vnm-rerouting-grace expired 2025-12-31)"
