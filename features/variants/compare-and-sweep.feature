Feature: Compare two policies, sweep one parameter
  `tradepolicy compare --policy A --against B` evaluates the same partners under both and reports
  who changes tier, score or tariff, with the rules that caused each change (a verdict or a
  weight that differs) and what else moved (terms, an outcome table). Without --against an
  overlay is compared with the policy it extends.

  `tradepolicy sweep --param RULE.limit=START:STOP:STEP` evaluates every partner at every value
  and reports where each one's tier flips. A limit can only change a verdict where it crosses the
  partner's own figure, so the flip is pinned there with the engine: "from 0.215" means the new
  tier holds at exactly that value (`evaluate --set RULE.limit=0.215` agrees).

  Scenario: The deal-terms overlay against the shipped policy
    Given the policy "policies/examples/deal-terms.yaml"
    And the evaluation date is 2026-03-01
    When the partners "GBR", "MEX", "MYS", "JPN" are compared with the policy "shipped"
    Then partner "GBR" keeps tier "aligned"
    And the score of partner "GBR" changes by -7.1
    And partner "GBR" changed because rule "inputs-steel-share" went from satisfied to violated
    And partner "MEX" changed because rule "inputs-usmca-steel-melt-pour" went from violated to excepted
    And partner "MYS" changed because rule "transshipment-rerouting-ceiling" went from satisfied to violated
    And partner "JPN" does not change

  Scenario: A --set change compared with the policy without it
    Given the limit of rule "inputs-china-import-share" is 0.25
    When the partners "MYS", "VNM" are compared with the policy "shipped"
    Then partner "MYS" moves from tier "watch" to tier "cooperating"
    And partner "MYS" changed because rule "inputs-china-import-share" went from violated to satisfied
    And partner "VNM" keeps tier "non-aligned"

  Scenario: Sweeping a limit pins each flip at the partner's own figure
    When rule "inputs-china-import-share" has its limit swept from 0.1 to 0.5 by 0.01 for "GBR", "MYS", "MEX", "VNM"
    Then partner "GBR" flips from "cooperating" to "aligned" at 0.133
    And partner "MYS" flips from "watch" to "cooperating" at 0.215
    And partner "MEX" flips from "non-aligned" to "watch" at 0.21
    And partner "VNM" never changes tier

  Scenario: The flip point agrees with evaluate at that value
    Given the limit of rule "inputs-china-import-share" is 0.215
    When partner "MYS" is evaluated
    Then its tier is "cooperating"

  Scenario: Just below the flip point the old tier holds
    Given the limit of rule "inputs-china-import-share" is 0.2149
    When partner "MYS" is evaluated
    Then its tier is "watch"
