Feature: Overlays: a variant written as changes to a policy
  A drafter who wants to try a variant writes only what differs. An overlay names its base with
  `extends:` (a shipped policy by name, or a file in the overlay's own folder), changes rules and
  tiers by id under `change:`, and adds rules, sources, groups, terms and exceptions by listing
  them. Overlays may extend overlays; a cycle is refused. Every problem is reported at the line of
  the overlay that caused it, and `evaluate --policy overlay.yaml` works like any policy.

  Scenario: A tighter limit in an overlay turns a satisfied rule into a violation
    Given the overlay:
      """
      extends: us-china-alignment
      name: tighter-rerouting
      change:
        rules:
          transshipment-rerouting-ceiling: {limit: 0.05}
      """
    When partner "MYS" is evaluated
    Then rule "transshipment-rerouting-ceiling" is violated
    And the message of rule "transshipment-rerouting-ceiling" is "Rerouting share of exports to the US 9% exceeds the 5% limit by 4 points"

  Scenario: Without the overlay the same partner meets the shipped limit
    Given the shipped policy
    When partner "MYS" is evaluated
    Then rule "transshipment-rerouting-ceiling" is satisfied
    And its score is 62.5

  Scenario: A looser limit lifts Malaysia into the next tier
    Given the overlay:
      """
      extends: us-china-alignment
      name: looser-import-share
      change:
        rules:
          inputs-china-import-share: {limit: 0.25}
      """
    When partner "MYS" is evaluated
    Then rule "inputs-china-import-share" is satisfied
    And its tier is "cooperating"

  Scenario: A disabled rule leaves the policy, and the score is taken over the rest
    Given the overlay:
      """
      extends: us-china-alignment
      name: no-trade-balance-test
      change:
        rules:
          inputs-china-vs-us-trade: {disabled: true}
      """
    When partner "MYS" is evaluated
    Then the policy has no rule "inputs-china-vs-us-trade"
    And its score is 64.5

  Scenario: A heavier weight counts a rule for more
    Given the overlay:
      """
      extends: us-china-alignment
      name: heavier-screening
      change:
        rules:
          screening-regime: {weight: 6}
      """
    When partner "MYS" is evaluated
    Then rule "screening-regime" is violated
    And its score is 55.6

  Scenario: A rule added by an overlay is judged with the others
    Given the overlay:
      """
      extends: us-china-alignment
      name: with-greenfield-ban
      rules:
        - id: factories-no-chinese-fdi
          demand: chinese-factories
          title: Chinese share of inward FDI at most 5%
          rationale: An illustrative variant to try.
          sources: [seed-003]
          limit_basis: illustrative
          require: {indicator: chinese_fdi_share, comparison: at_most, limit: 0.05}
      """
    When partner "GBR" is evaluated
    Then rule "factories-no-chinese-fdi" is satisfied
    And the message of rule "factories-no-chinese-fdi" is "Chinese share of inward FDI 1.5% is within the 5% limit (3.5 points to spare)"

  Scenario: A changed tier table moves the bar for everyone
    Given the overlay:
      """
      extends: us-china-alignment
      name: higher-bar
      change:
        tiers:
          aligned: {min_score: 95}
      """
    When partner "GBR" is evaluated
    Then its score is 92.3
    And its tier is "cooperating"

  Scenario: A partner code that names no country is refused where it is written
    An exception for "MXE" would waive nothing for anyone: Mexico is MEX. Every place that
    names partners (groups, applies_to, terms, exceptions) takes ISO 3166-1 alpha-3 codes.
    Given the overlay:
      """
      extends: us-china-alignment
      name: mexico-transition
      exceptions:
        - id: mex-melt-pour-transition
          partner: MXE
          rule: inputs-usmca-steel-melt-pour
          justification: A transition period while Mexican mills add melt-and-pour capacity.
          granted: 2025-07-01
      """
    When the policy is checked
    Then it is refused at line 5, column 14: "exceptions[0].partner: 'MXE' is not an ISO 3166-1 alpha-3 country code (did you mean 'MEX' (Mexico) or 'MNE' (Montenegro)?)"

  Scenario: Codes that ISO 3166-1 leaves to users name partners of one's own
    Synthetic partners and groupings no country code covers take a user-assigned code:
    AAA-AAZ, QMA-QZZ, XAA-XZZ or ZZA-ZZZ.
    Given the overlay:
      """
      extends: us-china-alignment
      name: synthetic-partners
      groups:
        synthetic: [XAA, XAB, XKX]
      """
    When the policy is checked
    Then it is accepted

  Scenario: A country written by name or in lowercase is told its code
    A group written as the drafter says the countries would match no partner: partners are
    named by code. The message names the code each one means.
    Given the overlay:
      """
      extends: us-china-alignment
      name: north-america
      groups:
        north_america: [Mexico, can]
      """
    When the policy is checked
    Then it is refused at line 4, column 19: "groups.north_america[0]: expected a three-letter country code in capitals, such as 'CHN', got 'Mexico' (did you mean 'MEX' (Mexico)?)"
    And it is refused at line 4, column 27: "groups.north_america[1]: expected a three-letter country code in capitals, such as 'CHN', got 'can' (did you mean 'CAN' (Canada)?)"
