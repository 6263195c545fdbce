Feature: No new trade deals with China
  Demand: china-trade-deals. The US asks partners to strike no new preferential trade deals with
  China. Canada's deal of 16 January 2026 (up to 49,000 Chinese electric vehicles at 6.1%, canola
  duty cut from about 85% to 15%; ABP Live) drew a threatened 100% tariff on all Canadian goods on
  24 January 2026, and the President called the UK prime minister's Beijing trip "very dangerous"
  (seeds/004_2db5a8ea6470760c.txt, us.politsturm.com, 9 February 2026, a partisan commentary).
  One deal was enough to draw that response, so the limit of zero new deals since 1 April 2025
  follows the seed; capping a violator at the non-aligned tier, which carries the threatened 100%,
  is this model's choice. Canada's count is real; the UK's is left unknown on purpose, since its
  visit brought tariff cuts but no reported trade deal; the other partners' zero counts are
  illustrative.

  Scenario: Canada's January 2026 deal with China breaks the rule and caps its tier
    Given the shipped policy
    When partner "CAN" is evaluated
    Then rule "deals-no-new-china-deal" is violated
    And rule "deals-no-new-china-deal" observed china_deal_count = 1
    And the margin of rule "deals-no-new-china-deal" is -1
    And the message of rule "deals-no-new-china-deal" is "New preferential trade deals with China 1 exceeds the 0 limit by 1"
    And its tier was capped by rule "deals-no-new-china-deal"

  Scenario: South Korea's early-2026 talks in Beijing are not counted as a deal, so zero deals meets the limit
    # South Korea's count of 0 is illustrative.
    Given the shipped policy
    When partner "KOR" is evaluated
    Then rule "deals-no-new-china-deal" is satisfied
    And the margin of rule "deals-no-new-china-deal" is 0
    And the message of rule "deals-no-new-china-deal" is "New preferential trade deals with China 0 is within the 0 limit (at the limit)"

  Scenario: The UK's Beijing visit brought tariff cuts but no reported deal, and its count is left unknown
    Given the shipped policy
    When partner "GBR" is evaluated
    Then rule "deals-no-new-china-deal" is unknown
    And the message of rule "deals-no-new-china-deal" is "cannot judge: New preferential trade deals with China not known for GBR"
    And its tier is not capped

  Scenario Outline: What would change: counting the UK's visit as a deal, or not
    # Either count is a judgement the sources do not settle.
    Given the shipped policy
    And the partner "GBR" with "china_deal_count" set to <deals>
    When it is evaluated
    Then rule "deals-no-new-china-deal" is <verdict>
    And its tier is "<tier>"

    Examples:
      | deals | verdict   | tier        |
      | 0     | satisfied | aligned     |
      | 1     | violated  | non-aligned |
