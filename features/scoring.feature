Feature: Scores, tiers and the tariff outcome each tier carries
  Every applicable rule a partner is judged on counts by its weight: the score is the satisfied
  weight over the judged weight, from 0 to 100, rounded to one decimal before the tier is read.
  Rules that do not apply to a partner never count. Tiers go best first (aligned >= 85,
  cooperating >= 65, watch >= 40, non-aligned >= 0), and each carries a US tariff outcome with its
  legal authority and status. The rates are real reported figures (shared/DOMAIN.md section 2);
  which score earns which rate is this model's illustrative choice. After the Supreme Court's
  IEEPA ruling of 20 February 2026 (Learning Resources v. Trump), the 15% and 40% rates are
  reported as struck down: an outcome's legal basis can vanish, so the status travels with it.
  A few violations are grave enough to cap the tier whatever the score: a new trade deal with
  China (Canada's drew a threatened 100% tariff, seeds/004_2db5a8ea6470760c.txt) and a place on
  the EO 14326 circumvention list (whose consequence was the 40% rate).

  Scenario: Australia keeps the best tier despite one broken rule
    Given the shipped policy
    When partner "AUS" is evaluated
    Then its score is 97.3
    And its tier is "aligned"
    And its tariff rate is 10%
    And its legal authority is "section_122"
    And its outcome status is "in_force"
    And it has 1 violated findings
    And it has 8 not applicable findings

  Scenario: Viet Nam breaks most rules and lands in the worst tier, with the threatened 100%
    Given the shipped policy
    When partner "VNM" is evaluated
    Then its score is 18.9
    And its tier is "non-aligned"
    And its tariff rate is 100%
    And its outcome status is "threatened"
    And its legal authority is "unspecified"
    And it has 15 violated findings

  Scenario: India's cooperating tier carries a 15% rate that the IEEPA ruling struck down
    Given the shipped policy
    When partner "IND" is evaluated
    Then its score is 78.1
    And its tier is "cooperating"
    And its tariff rate is 15%
    And its legal authority is "ieepa"
    And its outcome status is "struck_down"

  Scenario: A score just above a tier's floor earns that tier: Cambodia at 42.5 is under watch
    Given the shipped policy
    When partner "KHM" is evaluated
    Then its score is 42.5
    And its tier is "watch"
    And its tariff rate is 40%

  Scenario: Canada scores like a cooperating partner, but its China deal caps it at non-aligned
    Given the shipped policy
    When partner "CAN" is evaluated
    Then rule "deals-no-new-china-deal" is violated
    And its score is 81.1
    And its tier is "non-aligned"
    And its tier was capped by rule "deals-no-new-china-deal"
    And its tariff rate is 100%

  Scenario: Without the China deal, Canada would be an aligned partner
    Given the shipped policy
    And the partner "CAN" with "china_deal_count" set to 0
    When it is evaluated
    Then rule "deals-no-new-china-deal" is satisfied
    And its score is 91.9
    And its tier is "aligned"
    And its tier is not capped
    And its tariff rate is 10%

  Scenario: A place on the circumvention list caps even a well-scoring partner at watch
    Given the shipped policy
    And the partner "AUS" with "on_circumvention_list" set to true
    When it is evaluated
    Then rule "transshipment-circumvention-list" is violated
    And its score is at least 65
    And its tier is "watch"
    And its tier was capped by rule "transshipment-circumvention-list"
    And its tariff rate is 40%

  Scenario: Each demand gets its own subscore on the same formula
    Given the shipped policy
    When partner "KHM" is evaluated
    Then the subscore of demand "transshipment" is 27.3
    And the subscore of demand "export-controls" is 100
    And the subscore of demand "belt-and-road" is 0

  Scenario: The ranking follows the evidence: Australia above Mexico above Viet Nam
    Given the shipped policy
    When partner "AUS" is evaluated
    And partner "MEX" is evaluated
    And partner "VNM" is evaluated
    Then partner "AUS" scores higher than partner "MEX"
    And partner "MEX" scores higher than partner "VNM"
