Feature: Screen and restrict Chinese investment
  Demand: investment-screening. In some countries the US demands "may include investment
  restrictions" (seeds/002_4f9746ebddbcec55.txt, April 2025, relaying the Wall Street Journal).
  Having a screening regime that reaches Chinese investors at all takes its basis from the US-EU
  joint statement of 21 August 2025, which commits to joint work on investment screening; a rule
  for state-owned investors is modelled on Canada's Investment Canada Act, which admits them in
  critical minerals only on an exceptional basis (UNCTAD Investment Policy Monitor, 2022).
  Asking the regime to cover greenfield projects where China's manufacturing foothold is
  significant is illustrative, and so are the foothold's cut-offs. The two scope rules apply only
  where a regime exists, so a partner without one fails once, not three times. Real regimes:
  Canada (UNCTAD, 2022), India (Press Note 3, Business Standard), none in Malaysia (ISIS
  Malaysia, 2018); not found for Viet Nam, Mexico, Japan, South Korea and the UK; every
  screening scope in the profiles is illustrative.

  # --- Is there a regime at all? ----------------------------------------------------------------

  Scenario: Malaysia has no overall investment review body, so it fails the first screening rule
    Given the shipped policy
    When partner "MYS" is evaluated
    Then rule "screening-regime" is violated
    And the message of rule "screening-regime" is "Investment screening reaching Chinese investors is no; required: yes"
    And rule "screening-soe-rule" is not applicable

  Scenario: Cambodia promises investment-security cooperation but has no regime, and is not asked about its scope
    # Cambodia's lack of a regime is illustrative.
    Given the shipped policy
    When partner "KHM" is evaluated
    Then rule "screening-regime" is violated
    And rule "screening-greenfield" is not applicable
    And rule "screening-soe-rule" is not applicable

  Scenario: Viet Nam's screening regime was not found, so none of the three rules can be judged
    Given the shipped policy
    When partner "VNM" is evaluated
    Then rule "screening-regime" is unknown
    And the message of rule "screening-regime" is "cannot judge: Investment screening reaching Chinese investors not known for VNM"
    And rule "screening-greenfield" is unknown
    And rule "screening-soe-rule" is unknown
    And the message of rule "screening-soe-rule" says "cannot judge whether the rule applies"

  # --- A rule for state-owned investors (the Investment Canada Act) -----------------------------

  Scenario: Canada's Investment Canada Act has a rule for state-owned investors
    # The regime is real; the scope list [sectors, soe_rule] is illustrative.
    Given the shipped policy
    When partner "CAN" is evaluated
    Then rule "screening-regime" is satisfied
    And rule "screening-soe-rule" is satisfied
    And the message of rule "screening-soe-rule" is "Scope of investment screening is sectors, soe_rule, including soe_rule as required"

  Scenario: India screens Chinese investment under Press Note 3 but has no state-owned-investor rule in its profile
    # The regime is real; the scope list, modelled on Press Note 3, is illustrative.
    Given the shipped policy
    When partner "IND" is evaluated
    Then rule "screening-regime" is satisfied
    And rule "screening-soe-rule" is violated
    And the message of rule "screening-soe-rule" is "Scope of investment screening is sectors, greenfield, beneficial_ownership; required: including soe_rule"

  # --- Greenfield coverage where the Chinese foothold is significant ------------------------------

  Scenario: India's Chinese foothold is not significant, so greenfield screening is not asked of it
    Given the shipped policy
    When partner "IND" is evaluated
    Then rule "screening-greenfield" is not applicable
    And the message of rule "screening-greenfield" is "does not apply to IND: it applies only where chinese manufacturing foothold is significant and Investment screening reaching Chinese investors is yes (here: Chinese manufacturing foothold is not significant)"

  Scenario: With 21 Chinese projects India's foothold turns significant under "chinese-foothold-significant", and its greenfield screening counts
    # 21 projects is illustrative; India's screening scope includes greenfield projects.
    Given the shipped policy
    And the partner "IND" with "chinese_greenfield_count" set to 21
    When it is evaluated
    Then rule "screening-greenfield" is satisfied
    And the message of rule "screening-greenfield" is "Scope of investment screening is sectors, greenfield, beneficial_ownership, including greenfield as required"

  Scenario Outline: What would change: if Mexico, with 41 new Chinese projects, screened investment
    # Mexico's regime was not found; the regime and scopes here are illustrative.
    Given the shipped policy
    And the partner "MEX" with "investment_screening" set to true
    And the partner "MEX" with "screening_scope" set to <scope>
    When it is evaluated
    Then rule "screening-regime" is satisfied
    And rule "screening-greenfield" is <greenfield>
    And rule "screening-soe-rule" is <soe>

    Examples:
      | scope                           | greenfield | soe       |
      | [sectors]                       | violated   | violated  |
      | [sectors, greenfield]           | satisfied  | violated  |
      | [sectors, greenfield, soe_rule] | satisfied  | satisfied |

  Scenario: If Cambodia screened by sector with an SOE rule, its significant foothold would still demand greenfield coverage
    # Cambodia's foothold rests on a 38% Chinese share of inward investment (illustrative).
    Given the shipped policy
    And the partner "KHM" with "investment_screening" set to true
    And the partner "KHM" with "screening_scope" set to [sectors, soe_rule]
    When it is evaluated
    Then rule "screening-greenfield" is violated
    And the message of rule "screening-greenfield" is "Scope of investment screening is sectors, soe_rule; required: including greenfield"
    And rule "screening-soe-rule" is satisfied

  Scenario: Removing Canada's screening figure leaves all three screening rules unknown
    Given the shipped policy
    And the partner "CAN" without "investment_screening"
    When it is evaluated
    Then rule "screening-regime" is unknown
    And rule "screening-greenfield" is unknown
    And rule "screening-soe-rule" is unknown
