Feature: No Chinese factories set up to get around US tariffs
  Demand: chinese-factories. The US asks partners to prevent Chinese firms from locating in their
  territory to avoid US tariffs (seeds/003_7059ddfbe9cbfd44.txt, the Wall Street Journal via Live
  Mint, April 2025), in some cases by outright bans on Chinese companies setting up operations
  designed to evade them (seeds/002_4f9746ebddbcec55.txt). No US measure puts a number on this, so
  every limit here is illustrative: at most 20 announced Chinese greenfield projects a year, about
  half the record years of Mexico (41) and Viet Nam (39) reported by fDi Markets for the year to
  March 2024, which are real figures; at most $5bn of such spending where the US takes at least a
  tenth of the partner's exports; and the cut-offs of two chained inferences. Tariff-jumping risk
  is high only when a significant Chinese manufacturing foothold meets evidence that the plants
  serve the US market around US duties: Chinese-owned firms shipping 10% or more of exports to the
  US, or a Commerce circumvention finding like the August 2023 solar determinations.

  # --- Pace of new Chinese factories (illustrative 20 a year) --------------------------------

  Scenario: Viet Nam's record 39 announced Chinese factories break the 20-a-year pace
    Given the shipped policy
    When partner "VNM" is evaluated
    Then rule "factories-greenfield-pace" is violated
    And rule "factories-greenfield-pace" observed chinese_greenfield_count = 39
    And the margin of rule "factories-greenfield-pace" is -19
    And the message of rule "factories-greenfield-pace" is "Announced Chinese greenfield projects 39 exceeds the 20 limit by 19"

  Scenario: Mexico's record 41 announced Chinese factories break the pace by 21
    Given the shipped policy
    When partner "MEX" is evaluated
    Then rule "factories-greenfield-pace" is violated
    And the message of rule "factories-greenfield-pace" is "Announced Chinese greenfield projects 41 exceeds the 20 limit by 21"

  Scenario Outline: What would change: Mexico at 20 announced projects meets the pace, at 21 it does not
    Given the shipped policy
    And the partner "MEX" with "chinese_greenfield_count" set to <projects>
    When it is evaluated
    Then rule "factories-greenfield-pace" is <verdict>
    And the message of rule "factories-greenfield-pace" is "<message>"

    Examples:
      | projects | verdict   | message                                                                        |
      | 20       | satisfied | Announced Chinese greenfield projects 20 is within the 20 limit (at the limit) |
      | 21       | violated  | Announced Chinese greenfield projects 21 exceeds the 20 limit by 1             |

  Scenario: Cambodia's 12 announced projects are within the pace
    # Cambodia's count is illustrative.
    Given the shipped policy
    When partner "KHM" is evaluated
    Then rule "factories-greenfield-pace" is satisfied

  Scenario: fDi Markets calls Malaysia's year a record but gives no count, so the pace cannot be judged
    Given the shipped policy
    When partner "MYS" is evaluated
    Then rule "factories-greenfield-pace" is unknown
    And the message of rule "factories-greenfield-pace" is "cannot judge: Announced Chinese greenfield projects not known for MYS"

  # --- Tariff jumping: the two-level chain ------------------------------------------------------
  # tariff-jumping-risk-high needs the fact chinese_manufacturing_foothold = significant, which
  # chinese-foothold-significant concludes from more than 20 projects, more than $5bn of
  # greenfield spending, or a Chinese share of inward FDI above 10%.

  Scenario: Viet Nam's tariff-jumping risk is high on a foothold concluded by "chinese-foothold-significant"
    # 39 projects (real) make the foothold significant; Chinese-owned firms shipping 11% of its
    # exports to the US (illustrative) link the plants to the US market.
    Given the shipped policy
    When partner "VNM" is evaluated
    Then rule "factories-tariff-jumping" is violated
    And the message of rule "factories-tariff-jumping" is "Tariff jumping risk is high (a derived fact; see because)"
    And rule "factories-tariff-jumping" rests on the derived fact tariff_jumping_risk = high
    And the derived fact tariff_jumping_risk = high was concluded by "tariff-jumping-risk-high"
    And rule "factories-tariff-jumping" rests on the derived fact chinese_manufacturing_foothold = significant
    And the derived fact chinese_manufacturing_foothold = significant was concluded by "chinese-foothold-significant"

  Scenario: Mexico's plants are tied to the US market by its circumvention findings, not by Chinese ownership
    # Foothold: 41 projects (real). Chinese-owned firms ship only 6% of its US exports, under the
    # 10% cut-off, but it has 2 circumvention findings. Both figures are illustrative.
    Given the shipped policy
    When partner "MEX" is evaluated
    Then rule "factories-tariff-jumping" is violated
    And rule "factories-tariff-jumping" rests on the derived fact tariff_jumping_risk = high

  Scenario: Cambodia's foothold comes from a 38% Chinese share of inward investment, not from its 12 projects
    # Every figure here is illustrative.
    Given the shipped policy
    When partner "KHM" is evaluated
    Then rule "factories-greenfield-pace" is satisfied
    And rule "factories-tariff-jumping" is violated
    And the derived fact tariff_jumping_risk = high was concluded by "tariff-jumping-risk-high"

  Scenario: Breaking the first link: with 20 projects and $4.9bn Mexico has no foothold under "chinese-foothold-significant", so no tariff-jumping
    # "More than 20" and "more than $5bn": 20 projects and $4.9bn do not count; Mexico's Chinese
    # share of inward FDI (3%, illustrative) is under 10%.
    Given the shipped policy
    And the partner "MEX" with "chinese_greenfield_count" set to 20
    And the partner "MEX" with "chinese_greenfield_capex_usd_bn" set to 4.9
    When it is evaluated
    Then rule "factories-tariff-jumping" is satisfied
    And the message of rule "factories-tariff-jumping" is "Tariff jumping risk is not high (a derived fact; see because)"

  Scenario: Breaking the second link: without circumvention findings Mexico's foothold no longer counts as tariff-jumping
    Given the shipped policy
    And the partner "MEX" with "circumvention_finding_count" set to 0
    When it is evaluated
    Then rule "factories-greenfield-pace" is violated
    And rule "factories-tariff-jumping" is satisfied

  Scenario: India's foothold is not significant: a 0.32% Chinese share of inward investment and 2 projects
    # The FDI share is real (New Indian Express, April 2000 to December 2025); the 2 projects and
    # $0.3bn are illustrative.
    Given the shipped policy
    When partner "IND" is evaluated
    Then rule "factories-tariff-jumping" is satisfied

  Scenario: South Korea's missing project count leaves its foothold, and so its tariff-jumping risk, undecided
    # Its circumvention finding (illustrative) would complete the chain if the foothold were
    # significant, so the missing count decides the verdict.
    Given the shipped policy
    When partner "KOR" is evaluated
    Then rule "factories-tariff-jumping" is unknown
    And the message of rule "factories-tariff-jumping" is "cannot judge: tariff jumping risk undecided for KOR"

  Scenario Outline: What would change: Malaysia's missing count decides its foothold, under "chinese-foothold-significant"
    # Malaysia's $2.1bn and 7% Chinese FDI share are under their cut-offs and its 2 circumvention
    # findings complete the chain (all illustrative); only the project count is missing.
    Given the shipped policy
    And the partner "MYS" with "chinese_greenfield_count" set to <projects>
    When it is evaluated
    Then rule "factories-tariff-jumping" is <verdict>

    Examples:
      | projects | verdict   |
      | 20       | satisfied |
      | 21       | violated  |

  Scenario: As shipped, Malaysia's tariff-jumping risk cannot be judged
    Given the shipped policy
    When partner "MYS" is evaluated
    Then rule "factories-tariff-jumping" is unknown

  # --- Greenfield spending where the US is a big market (illustrative $5bn, scope 10%) -----------

  Scenario: The spending ceiling does not apply to Australia, which sends only 6% of its exports to the US
    # Every Australian figure is illustrative.
    Given the shipped policy
    When partner "AUS" is evaluated
    Then rule "factories-greenfield-capex" is not applicable
    And the message of rule "factories-greenfield-capex" is "does not apply to AUS: it applies only where US share of exports is at least 10% (here: 6%)"

  Scenario Outline: What would change: the ceiling applies to Australia from a US export share of 10%
    Given the shipped policy
    And the partner "AUS" with "us_export_share" set to <share>
    When it is evaluated
    Then rule "factories-greenfield-capex" is <verdict>

    Examples:
      | share | verdict        |
      | 0.099 | not applicable |
      | 0.10  | satisfied      |

  Scenario: Cambodia's $1.1bn of Chinese greenfield spending is within the $5bn ceiling
    # Cambodia's spending and its 38% US export share are illustrative.
    Given the shipped policy
    When partner "KHM" is evaluated
    Then rule "factories-greenfield-capex" is satisfied
    And the message of rule "factories-greenfield-capex" is "Capital spending of Chinese greenfield projects $1.1 bn is within the $5 bn limit ($3.9 bn to spare)"

  Scenario Outline: What would change: Cambodia's spending against the $5bn ceiling (equal is compliant)
    Given the shipped policy
    And the partner "KHM" with "chinese_greenfield_capex_usd_bn" set to <capex>
    When it is evaluated
    Then rule "factories-greenfield-capex" is <verdict>
    And the message of rule "factories-greenfield-capex" is "<message>"

    Examples:
      | capex | verdict   | message                                                                                        |
      | 5.0   | satisfied | Capital spending of Chinese greenfield projects $5 bn is within the $5 bn limit (at the limit) |
      | 5.1   | violated  | Capital spending of Chinese greenfield projects $5.1 bn exceeds the $5 bn limit by $0.1 bn     |

  Scenario: Viet Nam's US export share was not found, so whether the spending ceiling applies is unknown
    Given the shipped policy
    When partner "VNM" is evaluated
    Then rule "factories-greenfield-capex" is unknown
    And the message of rule "factories-greenfield-capex" says "cannot judge whether the rule applies"

  Scenario: If the US took 80% of Mexico's exports, its $5.2bn of Chinese greenfield spending would break the ceiling
    # Mexico's US export share was not found; 80% is illustrative, and so is the $5.2bn.
    Given the shipped policy
    And the partner "MEX" with "us_export_share" set to 0.80
    When it is evaluated
    Then rule "factories-greenfield-capex" is violated
    And the margin of rule "factories-greenfield-capex" is -0.2

  Scenario: Canada sends 75.9% of its exports to the US, but its Chinese greenfield spending was not found
    Given the shipped policy
    When partner "CAN" is evaluated
    Then rule "factories-greenfield-capex" is unknown
    And the message of rule "factories-greenfield-capex" is "cannot judge: Capital spending of Chinese greenfield projects not known for CAN"
