"""Published data sets worth a look when scoping, from the guide's appendix.

Offered on an idea's data inventory as suggestions: adding one fills in the form as published
and open data, for the team to check and save. Several of these collections began during the
pandemic; the publishers keep much more besides.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PublicDataSet:
    slug: str
    name: str
    publisher: str
    holds: str
    url: str


PUBLIC_DATA_SETS: tuple[PublicDataSet, ...] = (
    PublicDataSet(
        "ons-health-and-social-care",
        "ONS health and social care data sets",
        "Office for National Statistics",
        "Official statistics on health, care and the conditions people live with, down to local "
        "authority level for many tables.",
        "https://www.ons.gov.uk/peoplepopulationandcommunity/healthandsocialcare/"
        "conditionsanddiseases/datalist?filter=datasets",
    ),
    PublicDataSet(
        "london-datastore",
        "London Datastore",
        "Greater London Authority",
        "Open data about London and its boroughs: population, housing, transport, the economy "
        "and community safety.",
        "https://data.london.gov.uk/",
    ),
    PublicDataSet(
        "uk-data-service",
        "UK Data Service collections",
        "UK Data Service",
        "Large social surveys, census microdata and research studies, some open and some "
        "available on registration.",
        "https://www.ukdataservice.ac.uk/get-data/themes/COVID-19.aspx",
    ),
    PublicDataSet(
        "vcsep-research",
        "VCS Emergencies Partnership research",
        "Voluntary and Community Sector Emergencies Partnership",
        "Reports and survey results on unmet need and how voluntary groups responded to "
        "emergencies.",
        "https://vcsep.org.uk/research",
    ),
    PublicDataSet(
        "sutton-trust-social-mobility",
        "Social mobility research briefs",
        "The Sutton Trust",
        "Research and survey findings on education and social mobility, including the effects "
        "of the pandemic on young people.",
        "https://www.suttontrust.com/our-research/covid-19-and-social-mobility-impact-brief/",
    ),
    PublicDataSet(
        "humanitarian-data-exchange",
        "Humanitarian Data Exchange",
        "UN Office for the Coordination of Humanitarian Affairs",
        "Shared data sets on crises and their effects, published by many organisations in "
        "common formats.",
        "https://data.humdata.org/event/covid-19",
    ),
    PublicDataSet(
        "open-data-institute",
        "Open Data Institute resources",
        "Open Data Institute",
        "Guidance, case studies and pointers to open data, and advice on publishing and sharing "
        "data well.",
        "https://theodi.org",
    ),
    PublicDataSet(
        "ecdc-cases",
        "Case data for Europe",
        "European Centre for Disease Prevention and Control",
        "Counts of cases of infectious diseases across the EU and European Economic Area.",
        "https://www.ecdc.europa.eu/en/cases-2019-ncov-eueea",
    ),
    PublicDataSet(
        "eu-data-portal",
        "EU open data portal",
        "European Union",
        "Data sets published by EU institutions and member states on many subjects.",
        "https://data.europa.eu/euodp/en/data/dataset/covid-19-coronavirus-data",
    ),
    PublicDataSet(
        "lionbridge-ai",
        "Coronavirus data sets from every country",
        "Lionbridge AI",
        "A catalogue of pandemic data sets gathered from many countries' public sources.",
        "https://lionbridge.ai/datasets/coronavirus-datasets-from-every-country",
    ),
)

BY_SLUG = {data_set.slug: data_set for data_set in PUBLIC_DATA_SETS}
