Feature: No Chinese goods shipped through a partner's territory to the US
  Demand: transshipment. The US asks partners not to let China ship goods through their
  territory to the US, and to close the logistical loopholes that allow it. The Wall Street
  Journal reported in April 2025 that officials would ask this of more than 70 nations
  (seeds/003_7059ddfbe9cbfd44.txt, relayed in seeds/002_4f9746ebddbcec55.txt); in January 2026
  the President warned that Canada could become a "drop-off port" (seeds/004_2db5a8ea6470760c.txt).
  One limit is real: not being named on the circumvention list of Executive Order 14326
  (31 July 2025), under which goods found transshipped paid 40% until the Supreme Court's IEEPA
  ruling of 20 February 2026.
  The rest are illustrative choices: rerouting and re-exports at most 10% of exports to the US,
  at most 9 CBP duty-evasion (EAPA) cases and $0.04bn owed, about a tenth of the 89 cases and
  $400m+ CBP reported for January to August 2025, and the cut-offs of the inference that
  calls the risk high only when a trade signal is corroborated by an enforcement signal.
  Only Viet Nam's 16.1% rerouting share (Iyoha et al., HBS, 2021) is a real figure here; every
  other transshipment figure in the profiles is illustrative.

  # --- The EO 14326 circumvention list (real measure) ---------------------------------------

  Scenario: Viet Nam, listed under EO 14326 in its profile, breaks the circumvention-list rule
    # The listing is illustrative: no published EO 14326 list was checked.
    Given the shipped policy
    When partner "VNM" is evaluated
    Then rule "transshipment-circumvention-list" is violated
    And the message of rule "transshipment-circumvention-list" is "Listing on the EO 14326 circumvention list is yes; required: no"
    And rule "transshipment-circumvention-list" observed on_circumvention_list = true

  Scenario Outline: A partner not named on the list meets the rule
    # The listings are illustrative for every partner.
    Given the shipped policy
    When partner "<partner>" is evaluated
    Then rule "transshipment-circumvention-list" is satisfied
    And the message of rule "transshipment-circumvention-list" is "Listing on the EO 14326 circumvention list is no, as required"

    Examples:
      | partner |
      | MEX     |
      | JPN     |
      | PAN     |

  Scenario: Thailand's listing was never recorded, so the rule cannot be judged
    Given the shipped policy
    When partner "THA" is evaluated
    Then rule "transshipment-circumvention-list" is unknown
    And the message of rule "transshipment-circumvention-list" is "cannot judge: Listing on the EO 14326 circumvention list not known for THA"

  # --- Transshipment risk: a trade signal corroborated by an enforcement signal --------------

  Scenario: Viet Nam's trade signals are corroborated by enforcement, so its transshipment risk is high
    # Rerouting 16.1% is real; diversion 12%, pass-through 0.85, 14 EAPA cases, 3 circumvention
    # findings and the listing are illustrative.
    Given the shipped policy
    When partner "VNM" is evaluated
    Then rule "transshipment-risk-not-high" is violated
    And the message of rule "transshipment-risk-not-high" is "Transshipment risk is high (a derived fact; see because)"
    And rule "transshipment-risk-not-high" rests on the derived fact transshipment_risk = high
    And the derived fact transshipment_risk = high was concluded by "transshipment-risk-high"

  Scenario: Mexico is judged high-risk without being listed: 14% rerouting and two circumvention findings
    # All of Mexico's transshipment figures are illustrative.
    Given the shipped policy
    When partner "MEX" is evaluated
    Then rule "transshipment-circumvention-list" is satisfied
    And rule "transshipment-risk-not-high" is violated
    And rule "transshipment-risk-not-high" rests on the derived fact transshipment_risk = high

  Scenario: A trade signal alone is not enough: Panama's 11% rerouting share has no enforcement signal
    # Panama's figures are illustrative: 2 EAPA cases, no circumvention finding, not listed.
    Given the shipped policy
    When partner "PAN" is evaluated
    Then rule "transshipment-rerouting-ceiling" is violated
    And the message of rule "transshipment-rerouting-ceiling" is "Rerouting share of exports to the US 11% exceeds the 10% limit by 1 point"
    And rule "transshipment-risk-not-high" is satisfied
    And the message of rule "transshipment-risk-not-high" is "Transshipment risk is not high (a derived fact; see because)"

  Scenario: An enforcement signal alone is not enough: South Korea's 8 EAPA cases come with low trade signals
    # CBP names South Korea among the largest EAPA routes; the count of 8 and its 6% rerouting
    # share are illustrative.
    Given the shipped policy
    When partner "KOR" is evaluated
    Then rule "transshipment-risk-not-high" is satisfied

  Scenario: Were South Korea's rerouting share 11%, its EAPA cases would corroborate it and the risk would be high
    Given the shipped policy
    And the partner "KOR" with "rerouting_share" set to 0.11
    When it is evaluated
    Then rule "transshipment-risk-not-high" is violated
    And the derived fact transshipment_risk = high was concluded by "transshipment-risk-high"

  Scenario: Thailand's missing trade and enforcement figures leave its transshipment risk undecided
    Given the shipped policy
    When partner "THA" is evaluated
    Then rule "transshipment-risk-not-high" is unknown
    And the message of rule "transshipment-risk-not-high" is "cannot judge: transshipment risk undecided for THA"

  # --- Rerouting ceiling (illustrative 10%) -------------------------------------------------

  Scenario: Viet Nam's product-level rerouting share of 16.1% breaks the 10% ceiling
    Given the shipped policy
    When partner "VNM" is evaluated
    Then rule "transshipment-rerouting-ceiling" is violated
    And rule "transshipment-rerouting-ceiling" observed rerouting_share = 0.161
    And the margin of rule "transshipment-rerouting-ceiling" is -0.061
    And the message of rule "transshipment-rerouting-ceiling" is "Rerouting share of exports to the US 16.1% exceeds the 10% limit by 6.1 points"

  Scenario Outline: What would change: Viet Nam's rerouting share against the 10% ceiling (equal is compliant)
    Given the shipped policy
    And the partner "VNM" with "rerouting_share" set to <share>
    When it is evaluated
    Then rule "transshipment-rerouting-ceiling" is <verdict>
    And the message of rule "transshipment-rerouting-ceiling" is "<message>"

    Examples:
      | share | verdict   | message                                                                         |
      | 0.10  | satisfied | Rerouting share of exports to the US 10% is within the 10% limit (at the limit) |
      | 0.11  | violated  | Rerouting share of exports to the US 11% exceeds the 10% limit by 1 point       |

  Scenario: At the firm-level share of 1.8% Viet Nam meets the ceiling, yet its other trade signals keep the risk high
    # Iyoha et al. find 16.1% by product but 1.8% by firm for Viet Nam in 2021: the ceiling
    # overstates. The inference also reads the diversion share (12%) and pass-through (0.85).
    Given the shipped policy
    And the partner "VNM" with "rerouting_share" set to 0.018
    When it is evaluated
    Then rule "transshipment-rerouting-ceiling" is satisfied
    And rule "transshipment-risk-not-high" is violated

  Scenario: At exactly 10% rerouting Mexico meets the ceiling and, with no other trade signal over its cut-off, is no longer high-risk
    # The inference needs a rerouting share above 10%; the rule allows at most 10%.
    Given the shipped policy
    And the partner "MEX" with "rerouting_share" set to 0.10
    When it is evaluated
    Then rule "transshipment-rerouting-ceiling" is satisfied
    And the margin of rule "transshipment-rerouting-ceiling" is 0
    And rule "transshipment-risk-not-high" is satisfied

  # --- Duty-evasion cases and duties owed (illustrative 9 cases, $0.04bn) ---------------------

  Scenario: South Korea stays within 9 EAPA cases but owes $0.07bn, so the evasion rule is broken
    Given the shipped policy
    When partner "KOR" is evaluated
    Then rule "transshipment-evasion-cases" is violated
    And the message of rule "transshipment-evasion-cases" is "Duties owed in evasion cases $0.07 bn exceeds the $0.04 bn limit by $0.03 bn"

  Scenario: Cambodia owes exactly $0.04bn in evasion cases, which is still within the limit
    Given the shipped policy
    When partner "KHM" is evaluated
    Then rule "transshipment-evasion-cases" is satisfied
    And the message of rule "transshipment-evasion-cases" is "EAPA duty-evasion cases 6 is within the 9 limit (3 to spare); Duties owed in evasion cases $0.04 bn is within the $0.04 bn limit (at the limit)"

  Scenario Outline: What would change: Mexico at 9 cases needs both counts within their limits
    Given the shipped policy
    And the partner "MEX" with "eapa_case_count" set to <cases>
    And the partner "MEX" with "evasion_owed_usd_bn" set to <owed>
    When it is evaluated
    Then rule "transshipment-evasion-cases" is <verdict>
    And the message of rule "transshipment-evasion-cases" says "<part>"

    Examples:
      | cases | owed | verdict   | part                                                                         |
      | 9     | 0.05 | violated  | Duties owed in evasion cases $0.05 bn exceeds the $0.04 bn limit by $0.01 bn |
      | 9     | 0.04 | satisfied | EAPA duty-evasion cases 9 is within the 9 limit (at the limit)               |
      | 10    | 0.04 | violated  | EAPA duty-evasion cases 10 exceeds the 9 limit by 1                          |

  # --- Re-exports (illustrative 10%) ---------------------------------------------------------

  Scenario: Panama re-exports 35% of its shipments to the US through the Colon Free Zone, over the 10% ceiling
    # Panama's 35% re-export ratio is illustrative.
    Given the shipped policy
    When partner "PAN" is evaluated
    Then rule "transshipment-reexport-ceiling" is violated
    And the margin of rule "transshipment-reexport-ceiling" is -0.25
    And the message of rule "transshipment-reexport-ceiling" is "Re-export share of exports to the US 35% exceeds the 10% limit by 25 points"

  Scenario: Were Panama's re-exports exactly 10% of its US shipments, it would meet the ceiling
    Given the shipped policy
    And the partner "PAN" with "reexport_ratio" set to 0.10
    When it is evaluated
    Then rule "transshipment-reexport-ceiling" is satisfied

  Scenario: Viet Nam's re-export share of 4% is within the ceiling
    # Viet Nam's 4% re-export ratio is illustrative.
    Given the shipped policy
    When partner "VNM" is evaluated
    Then rule "transshipment-reexport-ceiling" is satisfied
    And the message of rule "transshipment-reexport-ceiling" is "Re-export share of exports to the US 4% is within the 10% limit (6 points to spare)"

  Scenario: Removing Panama's re-export figure makes the re-export rule unknown, not a pass
    Given the shipped policy
    And the partner "PAN" without "reexport_ratio"
    When it is evaluated
    Then rule "transshipment-reexport-ceiling" is unknown
    And the message of rule "transshipment-reexport-ceiling" is "cannot judge: Re-export share of exports to the US not known for PAN"
