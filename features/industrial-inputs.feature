Feature: Do not absorb cheap Chinese industrial goods into your supply chains
  Demand: industrial-inputs. The US asks partners not to absorb China's cheap industrial goods
  into their economies (seeds/003_7059ddfbe9cbfd44.txt) and to "limit the use of Chinese
  industrial products in their domestic supply chains" (seeds/002_4f9746ebddbcec55.txt). No US
  measure defines or caps this, so the import-share limits are illustrative: China at most 20% of
  imports, no rise since 2017, at most 25% of steel imports, at most 50% of solar imports in the
  four countries of Commerce's August 2023 solar circumvention findings, and imports from China
  no larger than exports to the US. For Mexico and Canada the limits are real USMCA origin rules:
  75% regional value content for core auto parts (HTSUS General Notes), 40% labour value content
  for cars (USITC), steel melted and poured in the region (Proclamation 10782) and aluminium not
  smelted or cast in China, Russia, Belarus or Iran (Proclamation 10783); the proclamations were
  written for Mexican metal, and applying them to Canada is this model's choice. Real import
  shares: Viet Nam 36.5% (January to April 2024), Mexico 21% (2024), Malaysia 21.5% (2020), the
  UK 13.3% (2021, goods); shares by group, changes since 2017 and the USMCA contents are illustrative.

  # --- China's share of all imports (illustrative 20%) ---------------------------------------

  Scenario: Viet Nam's Chinese import share of 36.5% breaks the 20% ceiling
    Given the shipped policy
    When partner "VNM" is evaluated
    Then rule "inputs-china-import-share" is violated
    And rule "inputs-china-import-share" observed china_import_share = 0.365
    And the margin of rule "inputs-china-import-share" is -0.165
    And the message of rule "inputs-china-import-share" is "Chinese share of imports 36.5% exceeds the 20% limit by 16.5 points"

  Scenario Outline: Mexico's 21% and Malaysia's 21.5% are just over the ceiling
    Given the shipped policy
    When partner "<partner>" is evaluated
    Then rule "inputs-china-import-share" is violated
    And the message of rule "inputs-china-import-share" is "<message>"

    Examples:
      | partner | message                                                            |
      | MEX     | Chinese share of imports 21% exceeds the 20% limit by 1 point      |
      | MYS     | Chinese share of imports 21.5% exceeds the 20% limit by 1.5 points |

  Scenario: The United Kingdom's 13.3% Chinese share of goods imports is within the ceiling
    Given the shipped policy
    When partner "GBR" is evaluated
    Then rule "inputs-china-import-share" is satisfied
    And the message of rule "inputs-china-import-share" is "Chinese share of imports 13.3% is within the 20% limit (6.7 points to spare)"

  Scenario Outline: What would change: Viet Nam's share against the 20% ceiling (equal is compliant)
    Given the shipped policy
    And the partner "VNM" with "china_import_share" set to <share>
    When it is evaluated
    Then rule "inputs-china-import-share" is <verdict>
    And the message of rule "inputs-china-import-share" is "<message>"

    Examples:
      | share | verdict   | message                                                             |
      | 0.20  | satisfied | Chinese share of imports 20% is within the 20% limit (at the limit) |
      | 0.201 | violated  | Chinese share of imports 20.1% exceeds the 20% limit by 0.1 points  |

  Scenario Outline: The Chinese import share was not found for Japan, South Korea and India, so the ceiling cannot be judged
    Given the shipped policy
    When partner "<partner>" is evaluated
    Then rule "inputs-china-import-share" is unknown
    And rule "inputs-china-import-share" observed china_import_share = null

    Examples:
      | partner |
      | JPN     |
      | KOR     |
      | IND     |

  # --- No rise since the base year (illustrative 0 points) -----------------------------------

  Scenario: Viet Nam's Chinese share has risen 8 points since 2017
    # The change is illustrative.
    Given the shipped policy
    When partner "VNM" is evaluated
    Then rule "inputs-china-share-not-rising" is violated
    And the message of rule "inputs-china-share-not-rising" is "Change in the Chinese share of imports +8 points exceeds the 0 points limit by 8 points"

  Scenario: Japan's Chinese share has fallen 2 points since 2017
    # The change is illustrative.
    Given the shipped policy
    When partner "JPN" is evaluated
    Then rule "inputs-china-share-not-rising" is satisfied

  Scenario: What would change: a Chinese share no higher than in 2017 is compliant
    Given the shipped policy
    And the partner "VNM" with "china_import_share_change" set to 0.0
    When it is evaluated
    Then rule "inputs-china-share-not-rising" is satisfied
    And the margin of rule "inputs-china-share-not-rising" is 0

  # --- Steel (illustrative 25%) and solar (illustrative 50%, 2023 circumvention countries) -------

  Scenario: China supplies 55% of Viet Nam's steel imports, over the 25% ceiling
    # Shares by industrial-input group are illustrative for every partner.
    Given the shipped policy
    When partner "VNM" is evaluated
    Then rule "inputs-steel-share" is violated
    And rule "inputs-steel-share" observed china_import_share_by_group.steel = 0.55
    And the message of rule "inputs-steel-share" is "Chinese share of imports by industrial-input group (steel) 55% exceeds the 25% limit by 30 points"

  Scenario: Canada's 12% Chinese share of steel imports is within the ceiling
    Given the shipped policy
    When partner "CAN" is evaluated
    Then rule "inputs-steel-share" is satisfied

  Scenario: What would change: at exactly 25% Viet Nam would meet the steel ceiling
    Given the shipped policy
    And the partner "VNM" with "china_import_share_by_group" set to {steel: 0.25, solar: 0.85}
    When it is evaluated
    Then rule "inputs-steel-share" is satisfied
    And rule "inputs-solar-share" is violated

  Scenario Outline: The solar ceiling applies to the four countries of the August 2023 solar circumvention findings
    Given the shipped policy
    When partner "<partner>" is evaluated
    Then rule "inputs-solar-share" is <verdict>

    Examples:
      | partner | verdict  |
      | VNM     | violated |
      | KHM     | violated |
      | MYS     | violated |
      | THA     | unknown  |

  Scenario: Viet Nam imports 85% of its solar cells and modules from China
    Given the shipped policy
    When partner "VNM" is evaluated
    Then the message of rule "inputs-solar-share" is "Chinese share of imports by industrial-input group (solar) 85% exceeds the 50% limit by 35 points"

  Scenario: The solar ceiling does not apply to Australia, whatever its solar imports
    Given the shipped policy
    When partner "AUS" is evaluated
    Then rule "inputs-solar-share" is not applicable
    And the message of rule "inputs-solar-share" is "does not apply to AUS: it covers groups solar_circumvention_2023"

  # --- Imports from China against exports to the US (illustrative ratio 1) ----------------------

  Scenario: Viet Nam buys more from China ($162bn) than it sells to the US
    # $162bn is real (China's reported exports to Viet Nam, 2024); the $119bn of exports to the
    # US is illustrative.
    Given the shipped policy
    When partner "VNM" is evaluated
    Then rule "inputs-china-vs-us-trade" is violated
    And rule "inputs-china-vs-us-trade" observed imports_from_china_usd_bn = 162
    And the message of rule "inputs-china-vs-us-trade" is "Imports from China / Exports to the US 1.36 exceeds the 1 limit by 0.36"

  Scenario: South Korea's $127.79bn of exports to the US falls short of its imports from China
    # Exports to the US are real (KITA, 2024); the $140bn of imports from China is illustrative.
    Given the shipped policy
    When partner "KOR" is evaluated
    Then rule "inputs-china-vs-us-trade" is violated
    And rule "inputs-china-vs-us-trade" observed exports_to_us_usd_bn = 127.79

  Scenario: Mexico sells the US far more than it buys from China
    # Both values are illustrative.
    Given the shipped policy
    When partner "MEX" is evaluated
    Then rule "inputs-china-vs-us-trade" is satisfied

  Scenario: What would change: Viet Nam's exports to the US matching its imports from China is compliant
    Given the shipped policy
    And the partner "VNM" with "exports_to_us_usd_bn" set to 162
    When it is evaluated
    Then rule "inputs-china-vs-us-trade" is satisfied
    And the margin of rule "inputs-china-vs-us-trade" is 0

  Scenario: Thailand's imports from China are not known, so the ratio cannot be judged
    Given the shipped policy
    When partner "THA" is evaluated
    Then rule "inputs-china-vs-us-trade" is unknown
    And the message of rule "inputs-china-vs-us-trade" is "cannot judge: Imports from China not known for THA"

  # --- USMCA origin rules (real limits; Mexico and Canada only) --------------------------------

  Scenario: Mexico breaks all four USMCA origin rules in its profile
    # Mexico's contents, melt location and smelt country are illustrative.
    Given the shipped policy
    When partner "MEX" is evaluated
    Then rule "inputs-usmca-rvc" is violated
    And the message of rule "inputs-usmca-rvc" is "Regional value content 71% is below the 75% minimum by 4 points"
    And rule "inputs-usmca-lvc" is violated
    And the message of rule "inputs-usmca-lvc" is "Labour value content 38% is below the 40% minimum by 2 points"
    And rule "inputs-usmca-steel-melt-pour" is violated
    And the message of rule "inputs-usmca-steel-melt-pour" is "Steel melted and poured in North America is no; required: yes"
    And rule "inputs-usmca-aluminium-smelt-cast" is violated
    And the message of rule "inputs-usmca-aluminium-smelt-cast" is "Country of aluminium smelt or cast is CHN; required: none of CHN, RUS, BLR, IRN"

  Scenario: Canada meets all four USMCA origin rules in its profile
    # Canada's contents, melt location and smelt country are illustrative.
    Given the shipped policy
    When partner "CAN" is evaluated
    Then rule "inputs-usmca-rvc" is satisfied
    And the message of rule "inputs-usmca-rvc" is "Regional value content 79% meets the 75% minimum (4 points above)"
    And rule "inputs-usmca-lvc" is satisfied
    And rule "inputs-usmca-steel-melt-pour" is satisfied
    And rule "inputs-usmca-aluminium-smelt-cast" is satisfied

  Scenario Outline: The USMCA origin rules do not apply outside North America
    Given the shipped policy
    When partner "<partner>" is evaluated
    Then rule "inputs-usmca-rvc" is not applicable
    And rule "inputs-usmca-lvc" is not applicable
    And rule "inputs-usmca-steel-melt-pour" is not applicable
    And rule "inputs-usmca-aluminium-smelt-cast" is not applicable
    And the message of rule "inputs-usmca-rvc" is "does not apply to <partner>: it covers groups usmca"

    Examples:
      | partner |
      | VNM     |
      | JPN     |

  Scenario: What would change: Mexico at exactly 75% regional and 40% labour value content meets both minimums
    Given the shipped policy
    And the partner "MEX" with "regional_value_content" set to 0.75
    And the partner "MEX" with "labour_value_content" set to 0.40
    When it is evaluated
    Then rule "inputs-usmca-rvc" is satisfied
    And the message of rule "inputs-usmca-rvc" is "Regional value content 75% meets the 75% minimum (exactly)"
    And rule "inputs-usmca-lvc" is satisfied
    And the margin of rule "inputs-usmca-lvc" is 0

  Scenario: What would change: Mexican steel melted and poured in the region would qualify
    Given the shipped policy
    And the partner "MEX" with "steel_melted_poured_in_region" set to true
    When it is evaluated
    Then rule "inputs-usmca-steel-melt-pour" is satisfied

  Scenario Outline: What would change: where Mexico's aluminium was smelted or last cast
    Given the shipped policy
    And the partner "MEX" with "aluminium_smelt_cast_country" set to <country>
    When it is evaluated
    Then rule "inputs-usmca-aluminium-smelt-cast" is <verdict>

    Examples:
      | country | verdict   |
      | CHN     | violated  |
      | RUS     | violated  |
      | IRN     | violated  |
      | MEX     | satisfied |
      | USA     | satisfied |

  Scenario: Without its regional value content, Canada's rule on core auto parts cannot be judged
    Given the shipped policy
    And the partner "CAN" without "regional_value_content"
    When it is evaluated
    Then rule "inputs-usmca-rvc" is unknown
    And the message of rule "inputs-usmca-rvc" is "cannot judge: Regional value content not known for CAN"
