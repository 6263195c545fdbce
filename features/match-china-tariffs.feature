Feature: Raise your own tariffs on China towards US levels
  Demand: match-china-tariffs. The US asks partners to lift their tariffs on Chinese goods
  towards the US level. In late February 2025 Treasury Secretary Bessent said Mexico had offered
  to match US tariffs on China in the fentanyl-tariff talks and called it a "nice gesture"; the
  idea won little traction then (seeds/003_7059ddfbe9cbfd44.txt). Mexico's 2026 tariffs of up to
  35%, and 50% on selected goods, on 1,463 tariff lines from countries without a trade agreement,
  China foremost (anews; FreightWaves, 31 December 2025), move the same way, and Art. 5.1 of the
  US-Cambodia agreement of 26 October 2025 has the US notify its measures for "economic security
  alignment". Either route satisfies the rule: a duty on Chinese goods at most 25 points below
  the US duty, or at least half of the notified US measures matched with equal effect. Both
  limits are illustrative, and so is every partner's tariff gap and matched share in the profiles.

  Scenario: Viet Nam's tariffs on China sit 24.5 points under the US level, just inside the 25-point gap
    # The -24.5 point gap is illustrative; Viet Nam's 30% matched share does not reach 50%.
    Given the shipped policy
    When partner "VNM" is evaluated
    Then rule "tariffs-match-us-on-china" is satisfied
    And the message of rule "tariffs-match-us-on-china" is "Gap between the partner's and the US tariff on Chinese goods -24.5 pp meets the -25 pp minimum (0.5 pp above)"

  Scenario: Mexico's 2026 tariffs put it within 8 points of the US, and it has matched half of the US measures
    # Both figures are illustrative; the small gap reflects Mexico's real 2026 tariffs.
    Given the shipped policy
    When partner "MEX" is evaluated
    Then rule "tariffs-match-us-on-china" is satisfied
    And the message of rule "tariffs-match-us-on-china" is "Gap between the partner's and the US tariff on Chinese goods -8 pp meets the -25 pp minimum (17 pp above); Share of notified US measures matched 50% meets the 50% minimum (exactly)"
    # Either route keeps the rule: its margin is the route with the most room, not the matched
    # share sitting exactly on its limit, which would read as Mexico being on the edge.
    And the margin of rule "tariffs-match-us-on-china" is 17

  Scenario: Were Viet Nam 26 points under the US, with 30% of US measures matched, it would break the rule on both routes
    Given the shipped policy
    And the partner "VNM" with "china_tariff_gap_pp" set to -26
    When it is evaluated
    Then rule "tariffs-match-us-on-china" is violated
    And the margin of rule "tariffs-match-us-on-china" is -1
    And the message of rule "tariffs-match-us-on-china" is "Gap between the partner's and the US tariff on Chinese goods -26 pp is below the -25 pp minimum by 1 pp; Share of notified US measures matched 30% is below the 50% minimum by 20 points"

  Scenario Outline: What would change: Viet Nam's tariff gap against the 25-point limit (equal is compliant)
    Given the shipped policy
    And the partner "VNM" with "china_tariff_gap_pp" set to <gap>
    When it is evaluated
    Then rule "tariffs-match-us-on-china" is <verdict>
    And the message of rule "tariffs-match-us-on-china" says "<part>"

    Examples:
      | gap   | verdict   | part                                                                                                        |
      | -25   | satisfied | Gap between the partner's and the US tariff on Chinese goods -25 pp meets the -25 pp minimum (exactly)      |
      | -25.5 | violated  | Gap between the partner's and the US tariff on Chinese goods -25.5 pp is below the -25 pp minimum by 0.5 pp |

  Scenario Outline: What would change: with a 30-point gap Panama relies on matching US measures
    # Panama's shipped gap of -22 points is illustrative; -30 puts it outside the tariff route.
    Given the shipped policy
    And the partner "PAN" with "china_tariff_gap_pp" set to -30
    And the partner "PAN" with "complementary_actions_share" set to <share>
    When it is evaluated
    Then rule "tariffs-match-us-on-china" is <verdict>
    And the message of rule "tariffs-match-us-on-china" says "<part>"

    Examples:
      | share | verdict   | part                                                                          |
      | 0.5   | satisfied | Share of notified US measures matched 50% meets the 50% minimum (exactly)     |
      | 0.49  | violated  | Share of notified US measures matched 49% is below the 50% minimum by 1 point |

  Scenario: Thailand's tariff gap and matched share were not found, so the rule cannot be judged
    Given the shipped policy
    When partner "THA" is evaluated
    Then rule "tariffs-match-us-on-china" is unknown
    And the message of rule "tariffs-match-us-on-china" is "cannot judge: Gap between the partner's and the US tariff on Chinese goods, Share of notified US measures matched not known for THA"

  Scenario: Without its tariff gap, Viet Nam's 30% matched share cannot settle the rule on its own
    Given the shipped policy
    And the partner "VNM" without "china_tariff_gap_pp"
    When it is evaluated
    Then rule "tariffs-match-us-on-china" is unknown
    And the message of rule "tariffs-match-us-on-china" is "cannot judge: Gap between the partner's and the US tariff on Chinese goods not known for VNM"
