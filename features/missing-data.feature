Feature: A missing figure is unknown, never zero and never a pass
  Many figures a policy needs are not published: DOMAIN.md section 5 lists Chinese import shares
  not found for Canada, Japan, South Korea and India, and the US share of exports not found for
  Viet Nam, Mexico, Malaysia, South Korea and India. A profile leaves such a figure out, or writes
  `value: null` with a note saying it was looked for. A rule that reads a missing figure is
  unknown: it is neither satisfied nor violated, it leaves the score (this policy sets
  `scoring.unknowns: exclude`), and it lowers the coverage, the share of the applicable weight
  judged on known data. Under the policy's minimum coverage (50%) a verdict is provisional.
  The one exception: a rule already broken on the figures that are known stays violated.

  Scenario: Canada's Chinese import share was not found, so the rule on it cannot be judged
    Given the shipped policy
    When partner "CAN" is evaluated
    Then rule "inputs-china-import-share" is unknown
    And the message of rule "inputs-china-import-share" is "cannot judge: Chinese share of imports not known for CAN"
    And rule "inputs-china-import-share" observed china_import_share = null

  Scenario: Removing Viet Nam's import share turns its violation into unknown and lowers coverage
    Given the shipped policy
    And the partner "VNM" without "china_import_share"
    When it is evaluated
    Then rule "inputs-china-import-share" is unknown
    And its coverage is 79%

  Scenario: With every figure in place, Viet Nam's coverage is 86%
    Given the shipped policy
    When partner "VNM" is evaluated
    Then its coverage is 86%
    And rule "inputs-china-import-share" is violated

  Scenario: A rule already broken on known figures stays violated when another figure goes missing
    # Viet Nam's 14 EAPA cases exceed the limit of 9 whatever its duties owed (both illustrative).
    Given the shipped policy
    And the partner "VNM" without "evasion_owed_usd_bn"
    When it is evaluated
    Then rule "transshipment-evasion-cases" is violated
    And the message of rule "transshipment-evasion-cases" is "EAPA duty-evasion cases 14 exceeds the 9 limit by 5"

  Scenario: Thailand's profile is deliberately sparse, so its verdict is provisional
    Given the shipped policy
    When partner "THA" is evaluated
    Then it has 20 unknown findings
    And its coverage is below 50%
    And its verdict is provisional
    And rule "transshipment-circumvention-list" is unknown

  Scenario: An unknown input makes a derived fact undecided, and the rules resting on it unknown
    Given the shipped policy
    When partner "THA" is evaluated
    Then rule "transshipment-risk-not-high" is unknown
    And rule "factories-tariff-jumping" is unknown
