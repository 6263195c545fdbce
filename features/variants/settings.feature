Feature: Ad hoc changes with --set
  `--set RULE.limit=0.25`, `--set RULE.weight=3`, `--set RULE.disabled=true` and
  `--set TIER.min_score=70` change the policy for one run of evaluate, compare or sweep, without
  editing a file. A rule with several limits names the one meant: `RULE.limit[indicator]=...`.
  Each change is checked like an overlay's: an unknown rule or field stops the run with exit 2 and
  a did-you-mean. In a scenario the same changes read as plain sentences.

  Scenario: A limit changed for one run
    Given the limit of rule "inputs-china-import-share" is 0.25
    When partner "MYS" is evaluated
    Then rule "inputs-china-import-share" is satisfied
    And the message of rule "inputs-china-import-share" is "Chinese share of imports 21.5% is within the 25% limit (3.5 points to spare)"
    And its tier is "cooperating"

  Scenario: One limit of a rule with two
    Given the limit of rule "transshipment-evasion-cases" on eapa_case_count is 3
    When partner "MYS" is evaluated
    Then rule "transshipment-evasion-cases" is violated
    And the message of rule "transshipment-evasion-cases" says "EAPA duty-evasion cases 4 exceeds the 3 limit by 1"

  Scenario: A limit inside an expression
    Given the limit of rule "inputs-china-vs-us-trade" is 1.1
    When partner "MYS" is evaluated
    Then rule "inputs-china-vs-us-trade" is satisfied

  Scenario: A tier bound changed for one run
    Given the minimum score of tier "cooperating" is 60
    When partner "MYS" is evaluated
    Then its score is 62.5
    And its tier is "cooperating"

  Scenario: A rule switched off for one run
    Given rule "bri-not-a-member" is disabled
    When partner "MYS" is evaluated
    Then the policy has no rule "bri-not-a-member"
    And its tier is "cooperating"
