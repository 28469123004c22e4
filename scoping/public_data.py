"""Published data sets worth a look when scoping: the sources a council analyst reaches for on
community questions, the guide's appendix, and each programme's own (`ProgrammeDataSet`).

Offered on an idea's data inventory as suggestions: adding one fills in the form as published
and open data, for the team to check and save. The guide was written during the pandemic, so
several of its appendix entries are COVID-19 collections; they are kept, marked with the period
they cover, after the current sources.
"""

from __future__ import annotations

from dataclasses import dataclass

OGL = "Open Government Licence v3.0"


@dataclass(frozen=True)
class PublicDataSet:
    slug: str
    name: str
    publisher: str
    holds: str  # what is in it, in a sentence or two
    url: str
    licence: str
    kind: str  # the kind of data: official statistics, records, research, a portal
    period: str = ""  # for collections that cover a fixed time, such as the pandemic

    @property
    def notes(self) -> str:
        """What the inventory's notes say for it."""
        period = f"\nPeriod: {self.period}." if self.period else ""
        return f"{self.holds}\nKind of data: {self.kind}.{period}"

    @property
    def access_notes(self) -> str:
        """What the inventory's "how could we get access" says for it."""
        return f"Published by {self.publisher} ({self.licence}): {self.url}"


CURRENT: tuple[PublicDataSet, ...] = (
    PublicDataSet(
        "census-2021",
        "Census 2021",
        "Office for National Statistics",
        "Everyone in England and Wales on census day: age, ethnicity, health, disability, "
        "unpaid care, housing, work and more, down to output areas of about 130 households, "
        "with custom tables.",
        "https://www.ons.gov.uk/census",
        OGL,
        "Official statistics, by small area",
        "Census day, 21 March 2021",
    ),
    PublicDataSet(
        "english-indices-of-deprivation",
        "English Indices of Deprivation",
        "Ministry of Housing, Communities and Local Government",
        "How deprived every neighbourhood (LSOA) in England is compared with the others: "
        "income, employment, health, education, crime, housing and living environment. Use "
        "the latest edition.",
        "https://www.gov.uk/government/collections/english-indices-of-deprivation",
        OGL,
        "Official statistics, by neighbourhood",
    ),
    PublicDataSet(
        "fingertips",
        "Public health profiles (Fingertips)",
        "Office for Health Improvement and Disparities",
        "Hundreds of public health indicators, such as life expectancy, child poverty, "
        "obesity, mental health and loneliness, for local authorities and often wards and GP "
        "practices, with trends and comparisons.",
        "https://fingertips.phe.org.uk/",
        OGL,
        "Official statistics, by local authority",
    ),
    PublicDataSet(
        "stat-xplore",
        "Benefit statistics (Stat-Xplore)",
        "Department for Work and Pensions",
        "People and households on Universal Credit, Pension Credit, PIP and other benefits, "
        "by local authority, ward and smaller areas, month by month. Free to use after "
        "registering.",
        "https://stat-xplore.dwp.gov.uk/",
        OGL,
        "Official statistics, by small area",
    ),
    PublicDataSet(
        "police-recorded-crime",
        "Police recorded crime (data.police.uk)",
        "Home Office and police forces",
        "Street-level crimes and outcomes by month, with each location moved to a nearby "
        "point so that no address is given, and stop and search records.",
        "https://data.police.uk/",
        OGL,
        "Records, by street and month",
    ),
    PublicDataSet(
        "nomis",
        "Nomis labour market statistics",
        "Office for National Statistics",
        "Employment, the claimant count, earnings, jobs and businesses, and census tables, by "
        "local authority, ward and smaller areas.",
        "https://www.nomisweb.co.uk/",
        OGL,
        "Official statistics, by area",
    ),
    PublicDataSet(
        "population-estimates",
        "Population estimates",
        "Office for National Statistics",
        "How many people live in each local authority and small area, by age and sex, updated "
        "every year: the denominator for most rates.",
        "https://www.ons.gov.uk/peoplepopulationandcommunity/populationandmigration/"
        "populationestimates",
        OGL,
        "Official statistics, by small area",
    ),
    PublicDataSet(
        "education-statistics",
        "Explore education statistics",
        "Department for Education",
        "Pupils, free school meals, absence, exclusions, special educational needs and "
        "attainment, by local authority and school.",
        "https://explore-education-statistics.service.gov.uk/",
        OGL,
        "Official statistics, by local authority and school",
    ),
    PublicDataSet(
        "homelessness-statistics",
        "Statutory homelessness statistics",
        "Ministry of Housing, Communities and Local Government",
        "Households owed a prevention or relief duty, why they became homeless and households "
        "in temporary accommodation, by local authority, every quarter.",
        "https://www.gov.uk/government/collections/homelessness-statistics",
        OGL,
        "Official statistics, by local authority",
    ),
    PublicDataSet(
        "fuel-poverty",
        "Sub-regional fuel poverty statistics",
        "Department for Energy Security and Net Zero",
        "Estimated households in fuel poverty for every local authority and neighbourhood "
        "(LSOA) in England.",
        "https://www.gov.uk/government/collections/fuel-poverty-sub-regional-statistics",
        OGL,
        "Official statistics (modelled estimates), by neighbourhood",
    ),
    PublicDataSet(
        "lg-inform",
        "LG Inform",
        "Local Government Association",
        "Published data about every council and its area gathered in one place, with reports "
        "comparing similar councils.",
        "https://lginform.local.gov.uk/",
        "Mostly the Open Government Licence: each data set names its own",
        "Benchmarking of published statistics, by local authority",
    ),
    PublicDataSet(
        "grantnav",
        "360Giving GrantNav",
        "360Giving",
        "Grants made by funders to charities and community groups, searchable by place and "
        "recipient: who already funds work on a question locally.",
        "https://grantnav.threesixtygiving.org/",
        "Each funder's own open licence, mostly Creative Commons Attribution 4.0",
        "Records of grants",
    ),
)

# The guide's appendix, as the guide lists it.
APPENDIX: tuple[PublicDataSet, ...] = (
    PublicDataSet(
        "ons-health-and-social-care",
        "ONS health and social care data sets",
        "Office for National Statistics",
        "Official statistics on health, care and the conditions people live with, down to local "
        "authority level for many tables.",
        "https://www.ons.gov.uk/peoplepopulationandcommunity/healthandsocialcare/"
        "conditionsanddiseases/datalist?filter=datasets",
        OGL,
        "Official statistics",
    ),
    PublicDataSet(
        "london-datastore",
        "London Datastore",
        "Greater London Authority",
        "Open data about London and its boroughs: population, housing, transport, the economy "
        "and community safety.",
        "https://data.london.gov.uk/",
        "Mostly the Open Government Licence: each data set names its own",
        "Open data portal, London",
    ),
    PublicDataSet(
        "uk-data-service",
        "UK Data Service collections",
        "UK Data Service",
        "Large social surveys, census microdata and research studies, some open and some "
        "available on registration. The guide points to its COVID-19 collection.",
        "https://www.ukdataservice.ac.uk/get-data/themes/COVID-19.aspx",
        "Varies: open, or safeguarded and available after registering",
        "Survey and research data",
        "COVID-19 collection, from 2020",
    ),
    PublicDataSet(
        "vcsep-research",
        "VCS Emergencies Partnership research",
        "Voluntary and Community Sector Emergencies Partnership",
        "Reports and survey results on unmet need and how voluntary groups responded to "
        "emergencies.",
        "https://vcsep.org.uk/research",
        "Check each report before reusing it",
        "Research reports and surveys",
        "Mostly the pandemic response, from 2020",
    ),
    PublicDataSet(
        "sutton-trust-social-mobility",
        "Social mobility research briefs",
        "The Sutton Trust",
        "Research and survey findings on education and social mobility, including the effects "
        "of the pandemic on young people.",
        "https://www.suttontrust.com/our-research/covid-19-and-social-mobility-impact-brief/",
        "Copyright of the Sutton Trust: check before reusing",
        "Research briefs",
        "COVID-19 impact briefs, 2020 to 2021",
    ),
    PublicDataSet(
        "humanitarian-data-exchange",
        "Humanitarian Data Exchange",
        "UN Office for the Coordination of Humanitarian Affairs",
        "Shared data sets on crises and their effects, published by many organisations in "
        "common formats.",
        "https://data.humdata.org/event/covid-19",
        "Each data set names its own, often Creative Commons Attribution",
        "Open data portal, international",
        "COVID-19 collection, 2020 to 2023",
    ),
    PublicDataSet(
        "open-data-institute",
        "Open Data Institute resources",
        "Open Data Institute",
        "Guidance, case studies and pointers to open data, and advice on publishing and sharing "
        "data well.",
        "https://theodi.org",
        "Check each resource before reusing it",
        "Guidance and case studies",
    ),
    PublicDataSet(
        "ecdc-cases",
        "Case data for Europe",
        "European Centre for Disease Prevention and Control",
        "Counts of cases of infectious diseases across the EU and European Economic Area.",
        "https://www.ecdc.europa.eu/en/cases-2019-ncov-eueea",
        "Free to reuse with credit to the ECDC",
        "Case counts, by country",
        "COVID-19 cases, 2020 to 2023",
    ),
    PublicDataSet(
        "eu-data-portal",
        "EU open data portal",
        "European Union",
        "Data sets published by EU institutions and member states on many subjects.",
        "https://data.europa.eu/euodp/en/data/dataset/covid-19-coronavirus-data",
        "Each data set names its own, often Creative Commons Attribution 4.0",
        "Open data portal, European",
        "COVID-19 data sets, from 2020",
    ),
    PublicDataSet(
        "lionbridge-ai",
        "Coronavirus data sets from every country",
        "Lionbridge AI",
        "A catalogue of pandemic data sets gathered from many countries' public sources.",
        "https://lionbridge.ai/datasets/coronavirus-datasets-from-every-country",
        "Each linked data set names its own",
        "Catalogue of links",
        "COVID-19, gathered in 2020",
    ),
)

PUBLIC_DATA_SETS: tuple[PublicDataSet, ...] = CURRENT + APPENDIX
BY_SLUG = {data_set.slug: data_set for data_set in PUBLIC_DATA_SETS}


def suggestions_for(programme) -> list[PublicDataSet]:
    """The programme's own suggestions first (it knows its area), then everyone's."""
    own = [data_set.as_suggestion() for data_set in programme.public_data_sets.all()]
    return [*own, *PUBLIC_DATA_SETS]


def suggestion(programme, slug: str) -> PublicDataSet | None:
    """One suggestion by its slug: everyone's, or one of the programme's own."""
    if slug in BY_SLUG:
        return BY_SLUG[slug]
    number = slug.removeprefix("programme-")
    if not slug.startswith("programme-") or not number.isdigit():
        return None
    own = programme.public_data_sets.filter(pk=int(number)).first()
    return own.as_suggestion() if own else None
