Feature: Do not be a channel for China to escape US export controls
  Demand: export-controls. When Treasury Secretary Bessent pitched the plan on 6 April 2025, his
  reasoning was that partners should not let Beijing and its firms use their countries to avoid
  US tariffs, export controls and other economic measures (seeds/003_7059ddfbe9cbfd44.txt,
  seeds/002_4f9746ebddbcec55.txt). The US-Cambodia reciprocal trade agreement of 26 October 2025
  aligns Cambodia's export controls with US measures case by case on US request and promises help
  with Entity List and SDN designations (seen in summary only, parts unverified); the Thailand and
  Viet Nam frameworks of the same day promise export-control cooperation without a binding text.
  Those two limits come from the Cambodian text. Holding Thailand and Viet Nam to case-by-case
  alignment, and every partner to the Entity List pledge, is this model's reading: no other text
  reviewed commits a partner to either. The floor asked of every partner, following the
  multilateral regimes, is illustrative. Alignment is ordered none, multilateral_regimes, case_by_case, all_us_unilateral.
  Cambodia's two commitments are the only real figures here; every other partner's is
  illustrative, and Thailand's were not found.

  Scenario: Cambodia's 26 October 2025 agreement meets all three export-control rules
    Given the shipped policy
    When partner "KHM" is evaluated
    Then rule "export-controls-baseline" is satisfied
    And rule "export-controls-case-by-case" is satisfied
    And the message of rule "export-controls-case-by-case" is "Export-control alignment with the US is case_by_case, at least case_by_case as required"
    And rule "export-controls-entity-list" is satisfied

  Scenario: Viet Nam, with no export-control regime in its profile, breaks all three rules
    # Viet Nam's alignment "none" and its missing Entity List pledge are illustrative: the
    # framework promises cooperation without a stated level.
    Given the shipped policy
    When partner "VNM" is evaluated
    Then rule "export-controls-baseline" is violated
    And the message of rule "export-controls-baseline" is "Export-control alignment with the US is none; required: at least multilateral_regimes"
    And rule "export-controls-case-by-case" is violated
    And the message of rule "export-controls-case-by-case" is "Export-control alignment with the US is none; required: at least case_by_case"
    And rule "export-controls-entity-list" is violated

  Scenario: The binding text of Thailand's framework was not found, so none of the rules can be judged
    Given the shipped policy
    When partner "THA" is evaluated
    Then rule "export-controls-baseline" is unknown
    And rule "export-controls-case-by-case" is unknown
    And rule "export-controls-entity-list" is unknown
    And the message of rule "export-controls-entity-list" is "cannot judge: Entity List and SDN enforcement pledge not known for THA"

  Scenario Outline: Case-by-case alignment is asked only of the three 26 October 2025 signatories
    Given the shipped policy
    When partner "<partner>" is evaluated
    Then rule "export-controls-case-by-case" is not applicable
    And the message of rule "export-controls-case-by-case" is "does not apply to <partner>: it covers groups framework_2025_10"

    Examples:
      | partner |
      | MEX     |
      | JPN     |
      | CAN     |

  Scenario: Canada follows the multilateral regimes, exactly the floor, but has not pledged to enforce the Entity List
    # Both of Canada's values are illustrative.
    Given the shipped policy
    When partner "CAN" is evaluated
    Then rule "export-controls-baseline" is satisfied
    And the message of rule "export-controls-baseline" is "Export-control alignment with the US is multilateral_regimes, at least multilateral_regimes as required"
    And rule "export-controls-entity-list" is violated
    And the message of rule "export-controls-entity-list" is "Entity List and SDN enforcement pledge is no; required: yes"

  Scenario: Panama pledges to enforce the Entity List but has no export controls of its own
    # Both of Panama's values are illustrative.
    Given the shipped policy
    When partner "PAN" is evaluated
    Then rule "export-controls-baseline" is violated
    And rule "export-controls-entity-list" is satisfied

  Scenario Outline: What would change: each level of Viet Nam's alignment against the floor and the case-by-case rule
    Given the shipped policy
    And the partner "VNM" with "export_control_alignment" set to <level>
    When it is evaluated
    Then rule "export-controls-baseline" is <baseline>
    And rule "export-controls-case-by-case" is <case_by_case>

    Examples:
      | level                | baseline  | case_by_case |
      | none                 | violated  | violated     |
      | multilateral_regimes | satisfied | violated     |
      | case_by_case         | satisfied | satisfied    |
      | all_us_unilateral    | satisfied | satisfied    |

  Scenario: What would change: a pledge to enforce the Entity List would clear Viet Nam's third rule
    Given the shipped policy
    And the partner "VNM" with "entity_list_enforcement" set to true
    When it is evaluated
    Then rule "export-controls-entity-list" is satisfied
    And the message of rule "export-controls-entity-list" is "Entity List and SDN enforcement pledge is yes, as required"
