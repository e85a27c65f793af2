"""Name, title, agency and device pools for the matching benchmark's generator (DOMAIN.md, Names).

Each pool lists real names roughly from the most to the least common and draws them with Zipf-like weights,
then a long tail of rarer names built the way the tradition builds them (Balinese and Javanese names from
Sanskrit stems and endings: `Sud-iarta`, `Suar-jana`, `Har-yono`, `Sukar-ini`). A real roster is like that:
a few words (`Putra`, `Ayu`, `Agus`, `Sri`) are everywhere, most words are rare, and many rare words are one
or two letters apart (`Suardana`, `Suarjana`, `Suartana`).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace


def _names(text: str) -> list[str]:
    return list(dict.fromkeys(text.split()))


@dataclass(frozen=True, slots=True)
class Pool:
    """Words with cumulative weights: the head of real names (Zipf-like) and a flat tail of built names."""

    words: tuple[str, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def of(
        cls, head: Sequence[str], tail: Sequence[str] = (), tail_share: float = 0.0, flat: int = 4
    ) -> Pool:
        """Head words weighted 1/(rank + flat); the tail words share `tail_share` of all draws evenly."""
        head = list(dict.fromkeys(head))
        tail = [w for w in dict.fromkeys(tail) if w not in set(head)]
        weights = [1.0 / (rank + flat) for rank in range(len(head))]
        total = sum(weights)
        if tail:
            each = total * tail_share / (1.0 - tail_share) / len(tail)
            weights += [each] * len(tail)
        return cls(tuple(head + tail), tuple(itertools.accumulate(weights)))

    def draw(self, rng: random.Random) -> str:
        """One word, by weight."""
        return rng.choices(self.words, cum_weights=self.cumulative)[0]

    def draw_distinct(self, rng: random.Random, count: int, avoid: Sequence[str] = ()) -> tuple[str, ...]:
        """`count` different words (a name never repeats a word), none of `avoid`."""
        out: list[str] = []
        while len(out) < count:
            word = self.draw(rng)
            if word not in out and word not in avoid:
                out.append(word)
        return tuple(out)


def _built(stems: str, endings: str) -> list[str]:
    """Every stem with every ending: the long tail of a naming tradition (`Sudi` + `arta` = `Sudiarta`)."""
    return [s + e for s in stems.split() for e in endings.split()]


BIRTH_ORDER = {
    1: ["Wayan", "Putu", "Gede"],
    2: ["Made", "Kadek", "Nengah"],
    3: ["Nyoman", "Komang"],
    4: ["Ketut"],
}
# How often each word is used for its rank (`Putu` and `Kadek` are the modern, urban choices).
BIRTH_ORDER_WEIGHTS = {"Wayan": 45, "Putu": 40, "Gede": 15, "Made": 55, "Kadek": 35, "Nengah": 10}
ALL_BIRTH_ORDER = frozenset(word for words in BIRTH_ORDER.values() for word in words)
# Rank of each birth-order word as rosters write it (`Gde` is Gede), for the generator's truth.
RANK = {**{w: r for r, words in BIRTH_ORDER.items() for w in words}, "Gde": 1}
# What family and friends call a Balinese by (the birth order, the caste), written as a Zoom name.
BALI_CALLING = {
    "Wayan": ["Yan"],
    "Putu": ["Tu", "Putu"],
    "Gede": ["De", "Gede"],
    "Made": ["De", "Made"],
    "Kadek": ["Dek", "Kadek"],
    "Nengah": ["Ngah"],
    "Nyoman": ["Man", "Nyoman"],
    "Komang": ["Mang", "Komang"],
    "Ketut": ["Tut", "Ketut"],
    "Bagus": ["Gus"],
    "Ida Ayu": ["Dayu"],
    "Agung": ["Gung"],
    "Gusti": ["Gusti", "Ajik"],
}
BALI_ABBREVIATIONS = {
    "Made": "Md.",
    "Ketut": "Kt.",
    "Wayan": "Wyn.",
    "Nyoman": "Nym.",
    "Komang": "Kmg.",
    "Putu": "Pt.",
    "Gede": "Gd.",
    "Kadek": "Kdk.",
    "Ngurah": "Ngr.",
    "Gusti": "Gst.",
    "Cokorda": "Cok.",
}

# Balinese personal names: an optional front word (`Agus`, `Eka`, `Ayu`, `Sri`), a core name that carries
# the identity (`Sudarma`, `Suarjana`, `Sukerti`) and an optional back word (`Putra`, `Wijaya`, `Dewi`).
# Older civil servants mostly have the core alone (`I Ketut Suwena`). Words that are also honorifics
# (`Gede`, `Putu`, `Gusti` after a birth-order word) belong to the honorifics, not here.
_BALI_MALE_FRONT = _names(
    """
    Agus Adi Eka Dwi Arya Yoga Tri Bayu Surya Indra Krisna Bagus Angga Wahyu Dharma Budi Ari Hendra
    Aditya Rai Alit Oka Raka Wira Yudha Catur Dana Nanda Rama
    """
)
_BALI_MALE_BACK = _names(
    """
    Putra Wijaya Pratama Saputra Kusuma Mahendra Antara Wiguna Jaya Aditya Sanjaya Atmaja Wiratama Permana
    Prasetya Mahardika Pramana Purnama Yasa Darmawan Gunawan Wardana Dharmawan Narendra Suryawan
    Adiputra Pradana Nugraha Arimbawa Kresna Ananta Setiawan Parwata Sentana
    """
)
_BALI_MALE = _names(
    """
    Sudarma Suardana Wirawan Arsana Sukadana Astawa Adnyana Artawan Pradnyana Sutama Sumerta Widiantara
    Budiarta Suastika Ariawan Sedana Merta Suyasa Sukerta Suparta Sudiarsa Mertayasa Sumantra Swastika
    Ardana Budiasa Sujana Suweca Sudirga Ardika Juliarta Suartana Sastrawan Widia Sumadi Karsana Suparsa
    Wartama Sunarta Mudiarta Suarsana Sudana Sukarta Wirata Sudiana Widnyana Darmayasa Suarta Sudarsana
    Kariasa Sukayasa Pasek Sukrawan Mertha Arnawa Wisnawa Sutrisna Suweta Gelgel Budiana Sukarmawan
    Sunada Ariana Sumarjaya Dwipayana Swandana Tirta Suda Sukarma Artana Astika Budiartha Darmawijaya
    Dharmayasa Gunarta Jayadi Kertayasa Mardana Pariartha Purnawan Rediasa Sudiatmika Suastawa Subawa
    Suwardika Triadi Wirajaya Yudiantara Agastya Sudharta Widiada Wirya Pande Aryawan Budiarsa Candra
    Darsana Ekawana Juniartha Karyasa Manik Nuaba Ardiasa Sadia Sukanadi Sumardika Suweda Tenaya Wardika
    Widarta Yudistira Semara Mertanadi Sujaya Suarjaya Wiadnyana Widana Suwitra Sukerna Wiryawan Astina
    Sutarja Suteja Sarjana Sudira Sumardana Aryana Ariasa Arjana Darmika Gunada Kardiasa Kertiasa Mudana
    Parta Partayasa Redana Rusna Sadnyana Sedeng Sudirta Sugiarta Sukardana Sunarya Supartha Surata
    Tangkas Wenten Widhiarta Wirta Yadnya Erawan Gautama Dananjaya Wibawa Danu Jana Tantra Kertha Ariadi
    Sudibya Krisnanda Dharmadi Suarnaya Wisnu Putrawan Sudarmaja Sumarta Sastra Wardita Sumertha Suyadnya
    Arnata Mustika Gita Jiwa Arta Suarnata Aryasa Sandi Wedana Madia Purna Suwena Suwirya Darmada Kantun
    Sukawati Rupawan Widhiada Jaman Rauh Karta Mangku Sadra Sukra Sutapa Puja Budayasa Suardika
    """
)
_BALI_FEMALE_FRONT = _names(
    """
    Ayu Sri Dewi Eka Dwi Tri Intan Ratna Diah Mirah Kartika Putri Citra Sinta Rai Laksmi Ari Anggun Sukma
    """
)
_BALI_FEMALE_BACK = _names(
    """
    Dewi Lestari Putri Sari Wulandari Pratiwi Utami Rahayu Handayani Permatasari Purnamasari Novitasari
    Ningsih Yanti Astuti Kusumawati Damayanti Oktaviani Jayanti Susanti Wijayanti Yuliani Apriani
    Suryani Agustini Pradnyani Antari Maharani Paramitha Gayatri
    """
)
_BALI_FEMALE = _names(
    """
    Sukmawati Yuliantari Ariani Sudiasih Suarni Sumiati Widiastuti Rusmini Puspita Wahyuni Suciati Mariani
    Sumartini Sukerti Sriasih Suartini Anggreni Ratnadi Darmayanti Suwitri Sudarmi Wartini Sumertini
    Krisnayanti Setiawati Sudewi Suastini Arini Sukarini Wiraswari Widiari Mahayani Sudiartini Padmi
    Rasmini Sukreni Suarmini Windari Yuliastini Purnamawati Wardani Indrayani Ratih Sintya Rustini Suciani
    Suandewi Sumerti Ekayanti Widhiasih Sintadewi Ariasih Sugiantari Yuniastuti Parwati Suarningsih
    Ratnawati Setiari Puspawati Trisnawati Mertasari Sukarsini Widyastuti Sudarsini Kariani Lasmini
    Sumariani Sutarmi Swandewi Widyantari Candrawati Dharmiasih Indrawati Juliantari Marheni Rusmawati
    Sekarini Sudarsani Sriyani Wirastini Yuniari Ariyani Suwarni Ekawati Eviyanti Adnyani Ardani Aryani
    Asih Budiani Dharmayanti Dwiyanti Febriyanti Juliani Kencana Listiani Martini Mustika Purnami Santi
    Sartini Septiani Sudiani Sukasih Sulastri Suparwati Suryaningsih Sutarini Tirtawati Trisna Utari
    Widari Winarti Yudiastuti Yuniarti Dewayani Artini Suwendri Sukadani Murniasih Sumadi Rai Karmini
    Sudiarni Wiryani Sukasni Mardani Suratni Ruspini Sumarni Sunarti Resmini Kertiasih Suryantini
    """
)
_BALI_STEMS_MALE = "Sud Suar Sukar Wid Ard Mert Adny Part Darm Sant Budi Kar Sum Ast Sed Yud Wir Jul Arim"
_BALI_STEMS_MALE += " Sumer Suwir Kert Gun Arn Suast Dharm Redi Wij Supar Mud Pradny Sukad Sugi Wiad Widi"
_BALI_ENDINGS_MALE = "ana arta ayasa ika ada antara iasa awan iarta asa ita ama adnyana awa"
_BALI_STEMS_FEMALE = "Sud Suar Sukar Wid Mert Darm Sum Ast Yul Wir Kart Jul Pus Sug Ratn Sumer Ari Purn"
_BALI_STEMS_FEMALE += " Arn Kus Suast Widi Adny Mah Sek Dharm Krisn Ek Sinta Yun"
_BALI_ENDINGS_FEMALE = "ini ayanti iasih iani iartini ayani astuti ari iati awati ani asih iyani arini"
# The core names are many and none dominates (weights flatter than the front and back words').
BALI_MALE = Pool.of(_BALI_MALE, _built(_BALI_STEMS_MALE, _BALI_ENDINGS_MALE), 0.4, flat=40)
BALI_FEMALE = Pool.of(_BALI_FEMALE, _built(_BALI_STEMS_FEMALE, _BALI_ENDINGS_FEMALE), 0.4, flat=40)
BALI_FRONT = {False: Pool.of(_BALI_MALE_FRONT), True: Pool.of(_BALI_FEMALE_FRONT)}
BALI_BACK = {False: Pool.of(_BALI_MALE_BACK), True: Pool.of(_BALI_FEMALE_BACK)}

# Javanese names: Sanskrit-Javanese given names, surnames taken from a father's or a given name, and
# one-word names (`Sutrisno`, `Suharti`) built from `Su-`, `Har-`, `Pri-` and endings `-yanto`, `-yati`.
_JAVA_MALE_FIRST = _names(
    """
    Agus Budi Eko Dwi Tri Bambang Joko Hadi Slamet Sugeng Heru Teguh Wahyu Yudi Andi Dedi Rudi Arif Dani
    Fajar Adi Ari Bagus Agung Dimas Galih Bayu Hendra Imam Rahmat Sigit Setyo Didik Ferry Yoga Indra Gatot
    Sapto Catur Wisnu Aris Anang Hari Edi Totok Kukuh Rizal Hery Iwan Danang Puguh Bowo Toni Wawan Yanuar
    Anton Bimo Rian Aditya Dicky Rendra Nanang Wiwit Yoyok Kris Gunawan Panji Prasetyo Nur Bagas Angga
    Dodik Endro Gilang Haryo Ismoyo Janu Kuncoro Lilik Mulyo Nugroho Oki Pandu Ragil Seno Tomi Untung
    """
)
_JAVA_LAST = _names(
    """
    Santoso Setiawan Prasetyo Nugroho Susilo Wicaksono Kurniawan Saputro Gunawan Haryanto Suryadi Widodo
    Sulistyo Pramono Suharto Sukarno Sutrisno Hartono Wibowo Sugiarto Purnomo Suparman Purwanto Cahyono
    Sudarsono Suyono Hidayat Raharjo Wahyudi Firmansyah Kuncoro Mulyono Sumantri Subagyo Handoko Priyanto
    Santosa Utomo Wardoyo Budiman Setiadi Hermawan Darmawan Yulianto Susanto Wijaya Nurcahyo Saputra
    Pratama Hariyadi Sarwono Triyono Winarno Haryono Suwarno Supriyadi Sunaryo Sumarno Suyanto Sugiyanto
    Mujiono Riyanto Daryanto Subroto Prabowo Kusuma Wibisono Ardiansyah Setyawan Nugraha Hakim Pambudi
    Rahardjo Adiwijaya Kusumo Wijayanto Sasongko Hadiwijoyo Purwadi Suprapto Siswanto Triwibowo Kristanto
    """
)
_JAVA_FEMALE_FIRST = _names(
    """
    Sri Dewi Endang Tri Dwi Ratna Wulan Indah Yuni Rini Rina Eka Ani Tutik Sulastri Lilis Yeni Diah
    Retno Anik Umi Sari Fitri Dian Nining Puji Heni Ika Novi Wahyu Kartika Lina Endah Yuli Ayu Wiwik
    Titik Erna Evi Desi Mega Tika Dyah Esti Hesti Kurnia Lusi Menik Nunik Rahayu Septi Tuti Winda Yayuk
    """
)
_JAVA_FEMALE_LAST = _names(
    """
    Lestari Wahyuni Handayani Rahayu Puspitasari Kusumawati Setyaningsih Wahyuningsih Susanti Suryani
    Utami Pratiwi Astuti Sulistyowati Purwanti Mulyani Yuliani Wijayanti Hartini Sumarni Sumiyem
    Rahmawati Kurniasih Nurhayati Anggraini Maryati Suharti Wulandari Prihatin Kristiani Widyastuti
    Rusmiyati Lestariningsih Setyowati Purwaningsih Sumarsih Suwarni Haryati Sriyatun Ningsih
    Kurniawati Winarsih Indrawati Mardiyah Sukesi Pujiastuti Yuniarti Fitriyani Susilowati Hidayati
    Saraswati Permatasari Oktaviani Rachmawati Damayanti Novitasari Andriani Apriliani Ekowati Riyanti
    """
)
# Javanese one-word names: older people, villages; `Su-` names and the classical ones.
_JAVA_MONO_MALE = _names(
    """
    Sutrisno Suparman Sumarno Suyanto Sugiyanto Mulyono Haryono Supriyadi Sunaryo Slamet Sarwono Winarno
    Suwarno Riyanto Daryanto Subagyo Suharto Sukamto Sutarno Suwardi Parman Tukiman Sukirno Sumadi Warsito
    Suratno Sugeng Kasno Paimin Sukardi Mujiono Purwadi Sumardi Wagiman Ngadiman Rusdi Kateni Sardjono
    """
)
_JAVA_MONO_FEMALE = _names(
    """
    Suharti Sumarni Sumiyem Suwarni Sriyatun Sulastri Sumarsih Haryati Sukesi Ngatini Tumini Painem Sunarti
    Suparmi Wartini Sutini Sukarti Sumiati Tukinem Suyatmi Rusmini Jumiati Kasmini Wagiyem Sudarmi
    Suminah Partini Ngatiyem Sumirah Warsini Maryati Tugiyem Suprapti Murtini Sarmi
    """
)
_JAVA_STEMS = "Su Sri Har Pri Mul Wah Sut Sug Sup Sum Sar Dar Kus Pur Tar Wid Jum Kas Mar Rus Sam Tum Wag"
_JAVA_STEMS += " Mur Sis Sud Sukar Supri Suh Sut Tris Wal Wir Pa Ngat"
JAVA_MALE_TAIL = _built(_JAVA_STEMS, "yanto yono ono anto adi arno amto iyo ardi arto iman ipto ito")
JAVA_FEMALE_TAIL = _built(_JAVA_STEMS, "yati ini anti yani asih ningsih wati tun iyem inah arti")

# Names from Arabic, worn by Muslims everywhere (Java, Sunda, Sumatra, Kalimantan, Sulawesi); `Abdul` and
# `Nur` join and split (`Abdurrahman` / `Abdul Rahman`, `Nurhayati` / `Nur Hayati`).
_ARABIC_MALE_FIRST = _names(
    """
    Muhammad Ahmad Abdul Rizki Fauzi Ilham Irfan Fikri Syaiful Zainal Hasan Husain Yusuf Ismail Ibrahim
    Khairul Syamsul Arif Yahya Lukman Ali Umar Hamzah Fadli Haris Hafiz Faisal Ridho Amir Anwar Ikhsan
    Syarif Saiful Zulkifli Jamal Mahmud Sholeh Nasrul Imron Ahmad Rahmat Hidayat Nurul Akbar Azis Rasyid
    """
)
_ARABIC_MALE_LAST = _names(
    """
    Rahman Aziz Karim Halim Malik Rasyid Hidayatullah Fauzan Ridwan Maulana Ramadan Hakim Syafii Anshori
    Zulkarnain Taufik Hamzah Rifai Hidayat Abdullah Hasanuddin Nasir Salim Mustofa Hamid Sholihin Arifin
    Kholil Mahfud Ikhwan Rosyid Syahputra Zakaria Sofyan Rosidi Mubarok Latif Munir Tohir Fathoni Hasbi
    Nurhadi Ashari Syarifuddin Effendi Amrullah Baihaki Jaelani Habibi Fahmi Nuruddin Alwi Romadhon
    """
)
_ARABIC_FEMALE_FIRST = _names(
    """
    Siti Nur Fatimah Aisyah Khadijah Annisa Rahma Zahra Laila Maryam Nurul Dian Lailatul Umi Khusnul Fitri
    Ainun Halimah Ulfa Zulfa Nabila Salma Hana Rahmi Aminah Faridah Indah Yulia Syifa Nadia
    """
)
_ARABIC_FEMALE_LAST = _names(
    """
    Aminah Hidayah Aini Hayati Rahmawati Zulaikha Fitriani Khoirunnisa Mardiyah Rohmah Sholihah Azizah
    Maulida Safitri Febriani Ramadhani Nuraini Hasanah Khasanah Muthmainnah Fauziah Nurjanah Romlah
    Marfuah Jamilah Salamah Qomariyah Chotimah Latifah Masruroh Munawaroh Mufidah Nurhayati Hidayati
    Khoiriyah Mukaromah Rofiah Solikhah Zahroh Fadilah Mahmudah Nafisah Rizqiyah Wardah
    """
)
# `Abdul` before a name of God's attributes: written apart or joined (`Abdul Rahman`, `Abdurrahman`).
ABDUL = {"Rahman": "Abdurrahman", "Rahim": "Abdurrahim", "Aziz": "Abdulaziz", "Karim": "Abdulkarim"}
_SUNDA_MALE_FIRST = _names(
    """
    Asep Dede Ujang Cecep Yayat Ade Dadang Tatang Iwan Deden Engkus Aep Acep Wawan Encep Ayi Dadan Jajang
    Yudi Rudi Agus Hendi Ikin Yana Oman Endang Dudi Eman Nandang Ridwan Ceceng Ahmad Iyan Opik Ruslan
    """
)
_SUNDA_LAST = _names(
    """
    Sunarya Permana Hidayat Saepudin Rukmana Kurniawan Suhendar Sopian Supriatna Komarudin Mulyana
    Nurjaman Kusnadi Ruhiyat Sobari Setiadi Hermawan Rohmat Jamaludin Sumarna Gumilar Sutisna Rosadi
    Sukmana Suherman Taryana Suryana Wiharja Hendrayana Kusmana Darmawan Solihin Sudrajat Hikmat Juanda
    Sunandar Rusmana Kustiawan Nugraha Ramdani Hidayatulloh Saputra Rahmat Mulyadi Sumpena Wijaya
    """
)
_SUNDA_FEMALE_FIRST = _names(
    """
    Euis Neneng Iis Enok Yanti Rina Ai Eneng Entin Nining Cucu Imas Nenden Lilis Wiwin Elis Ela Yuyun Tati
    Tini Nani Ani Rika Dewi Siti Dini Enung Ika Nia Lia Tuti Oom
    """
)
_SUNDA_FEMALE_LAST = _names(
    """
    Nurlela Rohaeti Kurniasih Komalasari Sumiati Rostiana Herawati Suryati Nuraeni Mulyati Rosmiati
    Hayati Sukaesih Sumiyati Kartini Rahmawati Yuliawati Nurhasanah Setiawati Cahyati Kusmiati Hindasah
    Rostika Nurhayati Sartika Sopiah Rohmawati Maryani Nurlaela Hernawati Juariah Mulyani
    """
)
# Batak, Manado, Ambon and Nusa Tenggara families: Christian given names and a clan or family name that
# thousands share (a Batak woman may write `br.` or `Boru` before her clan).
_CHRISTIAN_MALE_FIRST = _names(
    """
    Yohanes Paulus Stefanus Daniel Samuel Yosef Petrus Markus Lukas Fransiskus Robert Jonathan Hotman
    Parulian Togar Maruli Benny Rudolf Yakobus Timotius Hendrik Johan Michael Alfred Albert Frans Anton
    Victor Roy Jefri Ronald Herman Dominggus Yosua Andreas Kristian Agustinus Antonius Benediktus Ignatius
    Yulius Adrianus Bonifasius Marthen Ferdinand Hotma Sahat Poltak Bonar Tigor Jhon Rikson Junaidi
    """
)
_CHRISTIAN_FEMALE_FIRST = _names(
    """
    Maria Agustina Elisabeth Kristina Fransiska Ruth Debora Magdalena Rosmawati Lamria Tiurma Yohana
    Veronika Theresia Roslina Marlina Grace Yuliana Natalia Margaretha Helena Lidia Priskila Martha Ester
    Rosa Kristin Sherly Novita Meyke Deasy Juwita Florentina Katarina Rosdiana Nurmaida Rosita Lenny
    """
)
_FAMILIES = _names(
    """
    Siregar Simanjuntak Sitompul Panjaitan Hutapea Situmorang Nainggolan Sinaga Manurung Simatupang Pardede
    Tambunan Sihombing Hutagalung Lumbantobing Pasaribu Sianturi Silalahi Simbolon Sitorus Hutabarat
    Napitupulu Purba Saragih Damanik Ginting Tarigan Sembiring Sitepu Marpaung Sihotang Gultom Samosir
    Simamora Lumempouw Wenas Pangemanan Rumengan Mandagi Tumbelaka Sondakh Kaunang Lumenta Rondonuwu
    Pattiasina Tuhumury Sahetapy Matulessy Pelupessy Fernandez Seran Bria Manafe Nenobais Kolo Tefa
    """
)
# Muslim Batak and Mandailing families (`Nasution`, `Harahap`, `Lubis`) with Arabic given names.
_MANDAILING = _names("Nasution Harahap Lubis Hasibuan Rangkuti Pohan Daulay Batubara Pulungan Siregar")
# Chinese-Indonesian civil servants: Indonesian given names and the Indonesian family names of the 1960s.
_CHINESE_MALE_FIRST = _names(
    """
    Hendra Budi Susanto Yohanes Andi Rudy Kevin Steven Felix Vincent Ivan Hendrik Hartono Sugianto Jimmy
    Ferry Johan Willy Eddy Tommy Herman Sandy Hengky Benny Rony Agus Yanto Wellem
    """
)
_CHINESE_FEMALE_FIRST = _names(
    """
    Linda Lily Fenny Lenny Wendy Yenny Meliana Silvia Cindy Vivi Melinda Susi Lanny Evelyn Maria Mariana
    Veronica Jessica Stefani Yuliana Lisa Shinta Fransisca Elisabeth Rina Dewi
    """
)
_CHINESE_LAST = _names(
    """
    Wijaya Gunawan Halim Tanoto Santoso Kusuma Setiawan Salim Hartono Tjahjadi Tanudjaja Sutanto Widjaja
    Lim Tan Tanjung Kurniawan Chandra Hadinata Susanto Lukito Tjandra Kusnadi Sugiharto Winata Gozali
    Liem Lie Oei Tanuwijaya Halim Sanjaya Tedja Wibisono Hermanto Suryajaya
    """
)
# South Sulawesi families (Bugis, Makassar), many now in Kalimantan: the noble `Andi` before the name.
_BUGIS_MALE = _names(
    """
    Muhammad Akbar Syahrir Amiruddin Rusli Ridwan Tenri Mappa Amir Syamsuddin Arifin Anwar Haeruddin
    Hasanuddin Jumadi Kamaruddin Mansyur Nurdin Rahmat Saharuddin Syamsul Zainuddin Basri Hamka Asri Baso
    Arung Ilham Irwan Sudirman Alimuddin Jamaluddin Bahtiar Suardi Mappiare
    """
)
_BUGIS_FEMALE = _names(
    """
    Besse Tenri Nurhayati Hasnah Rosmiati Sitti Fatmawati Nurbaya Hasniati Sumarni Hasnawati Nurhaedah
    Ramlah Suriani Darmawati Haslinda Irmawati Kasmawati Murniati Nurjannah Hasmawati Sukmawati Rahmatia
    """
)
_BUGIS_LAST = _names(
    """
    Mappaseng Pawelloi Patonangi Makkasau Rahim Baso Mattalatta Tenriawaru Massiara Mallombasi Mappanyukki
    Pananrangi Sulolipu Tenrisau Mattola Latief Parenrengi Mappangara Daeng Sanusi Bachtiar Lallo Sangkala
    """
)
# Minangkabau: one or two given names with endings of their own, clan names rarely written.
_MINANG_MALE = _names(
    """
    Afrizal Yulizar Syafrizal Zulfikar Hendri Deswandi Efendi Yasril Rinaldi Fadli Zulkifli Azwar Yusrizal
    Erwin Alfian Syahrial Masrizal Jonni Novrizal Afdal Nasrul Irwan Edwar Ferdiansyah Yonaldi Arman
    Asrul Darmawel Elfi Firdaus Gusrizal Hendrizal
    """
)
_MINANG_FEMALE = _names(
    """
    Desmawati Yulnita Rahmi Elfira Syafnita Netti Yusnelly Rosnida Yenni Fitrilia Yusnidar Nelly Elvi
    Rosmaini Yulia Nurhasanah Efrida Asmawarni Wirda Yusmaneli Rosmiati Desnita Elvina Gusnita
    """
)
_MINANG_LAST = _names(
    """
    Yuliandri Syahputra Amril Jusman Zulkifli Hamdani Yusra Nofrizal Desriani Elvira Chaniago Piliang Koto
    Tanjung Sikumbang Jambak Syamsuddin Rasyid Putra Putri Yanti Efendi Ilyas Anas Marzuki
    """
)


@dataclass(frozen=True, slots=True)
class Tradition:
    """How one naming tradition builds a name: given names, a last name (family, clan or second given name)
    and the shares of one-, two- and three-word names."""

    male_first: Pool
    male_last: Pool
    female_first: Pool
    female_last: Pool
    shapes: tuple[int, int, int]  # weights of one, two and three words
    male_mono: Pool | None = None  # one-word names, when the tradition has its own (else a last name)
    female_mono: Pool | None = None


def _tradition(
    male: tuple[Sequence[str], Sequence[str]],
    female: tuple[Sequence[str], Sequence[str]],
    shapes: tuple[int, int, int],
    tails: tuple[Sequence[str], Sequence[str]] = ((), ()),
    tail_share: float = 0.0,
) -> Tradition:
    # No given or family name is worn by more than a few in a hundred (`Agus`, `Sri`, `Santoso` lead); the
    # built names are given names as much as last names (`Haryono Wibowo`, `Sri Suyatmi`).
    return Tradition(
        Pool.of(male[0], tails[0], tail_share / 2, flat=10),
        Pool.of(male[1], tails[0], tail_share, flat=10),
        Pool.of(female[0], tails[1], tail_share / 2, flat=10),
        Pool.of(female[1], tails[1], tail_share, flat=10),
        shapes,
    )


TRADITIONS = {
    "java": replace(
        _tradition(
            (_JAVA_MALE_FIRST + _ARABIC_MALE_FIRST[:12], _JAVA_LAST + _ARABIC_MALE_LAST[:10]),
            (_JAVA_FEMALE_FIRST + _ARABIC_FEMALE_FIRST[:8], _JAVA_FEMALE_LAST + _ARABIC_FEMALE_LAST[:8]),
            (18, 57, 25),
            (JAVA_MALE_TAIL, JAVA_FEMALE_TAIL),
            0.2,
        ),
        male_mono=Pool.of(_JAVA_MONO_MALE, JAVA_MALE_TAIL, 0.5, flat=25),
        female_mono=Pool.of(_JAVA_MONO_FEMALE, JAVA_FEMALE_TAIL, 0.5, flat=25),
    ),
    "muslim": _tradition(
        (_ARABIC_MALE_FIRST, _ARABIC_MALE_LAST), (_ARABIC_FEMALE_FIRST, _ARABIC_FEMALE_LAST), (3, 62, 35)
    ),
    "sunda": _tradition(
        (_SUNDA_MALE_FIRST + _ARABIC_MALE_FIRST[:20], _SUNDA_LAST + _ARABIC_MALE_LAST[:15]),
        (_SUNDA_FEMALE_FIRST + _ARABIC_FEMALE_FIRST[:12], _SUNDA_FEMALE_LAST + _ARABIC_FEMALE_LAST[:12]),
        (10, 70, 20),
    ),
    "batak": _tradition(
        (_CHRISTIAN_MALE_FIRST, _FAMILIES), (_CHRISTIAN_FEMALE_FIRST, _FAMILIES), (0, 60, 40)
    ),
    "mandailing": _tradition(
        (_ARABIC_MALE_FIRST, _MANDAILING), (_ARABIC_FEMALE_FIRST, _MANDAILING), (0, 60, 40)
    ),
    "chinese": _tradition(
        (_CHINESE_MALE_FIRST + _CHRISTIAN_MALE_FIRST + _JAVA_MALE_FIRST[:40], _CHINESE_LAST),
        (_CHINESE_FEMALE_FIRST + _CHRISTIAN_FEMALE_FIRST + _JAVA_FEMALE_FIRST[:30], _CHINESE_LAST),
        (0, 75, 25),
    ),
    "bugis": _tradition((_BUGIS_MALE, _BUGIS_LAST), (_BUGIS_FEMALE, _BUGIS_LAST), (5, 65, 30)),
    "minang": _tradition((_MINANG_MALE, _MINANG_LAST), (_MINANG_FEMALE, _MINANG_LAST), (25, 60, 15)),
}

# Modern spelling -> the pre-1972 spelling some older civil servants keep on their papers.
OLD_SPELLING = {
    "Sukarno": "Soekarno",
    "Suharto": "Soeharto",
    "Joko": "Djoko",
    "Sutrisno": "Soetrisno",
    "Purwanto": "Poerwanto",
    "Cahyono": "Tjahjono",
    "Sudarsono": "Soedarsono",
    "Suyono": "Soejono",
    "Syamsul": "Sjamsul",
    "Yahya": "Jahja",
    "Khairul": "Chairul",
    "Budiman": "Boediman",
    "Sumarni": "Soemarni",
    "Suparman": "Soeparman",
    "Yuni": "Joeni",
    "Ramadan": "Ramadhan",
    "Taufik": "Taufiq",
    "Rizki": "Rizqi",
    "Suyanto": "Soejanto",
    "Sumarno": "Soemarno",
    "Subroto": "Soebroto",
    "Suprapto": "Soeprapto",
    "Wijaya": "Widjaja",
    "Cahyati": "Tjahjati",
}
_MODERN = {old: new for new, old in OLD_SPELLING.items()}
_ALL_POOLS: list[Pool] = [BALI_MALE, BALI_FEMALE, *BALI_FRONT.values(), *BALI_BACK.values()] + [
    pool for t in TRADITIONS.values() for pool in (t.male_first, t.male_last, t.female_first, t.female_last)
]
# Every name word of the pools in its modern spelling (old spellings are the same names).
MODERN_WORDS = frozenset(w.lower() for pool in _ALL_POOLS for w in pool.words)
ALL_WORDS = MODERN_WORDS | {w.lower() for w in OLD_SPELLING.values()}

PREFIX_MALE = Pool.of(["Drs.", "H.", "Ir.", "Dr.", "dr.", "Drs. H.", "Ir. H.", "Prof. Dr.", "K.H."])
PREFIX_FEMALE = Pool.of(["Hj.", "Dra.", "dr.", "Dr.", "Ir.", "Hj. Dra."])
# Bachelor's degrees of civil servants, the commonest first (teachers, economists, administrators, nurses).
BACHELOR = Pool.of(
    _names(
        """
        S.Pd. S.E. S.Sos. S.H. S.Kom. S.T. S.IP. S.Kep. A.Md. S.AP. S.KM. S.Ag. A.Md.Kep. S.Pd.SD. S.Si.
        S.Farm. S.Psi. S.Tr.Kes. S.Ked. A.Md.Keb. S.STP. S.Pd.I. S.Th. SE S.Kom S.Pd S.Ak. S.P. S.Pt.
        """
    )
)
MASTER = Pool.of(
    _names("M.Si. M.M. M.Pd. M.AP. M.Kes. M.H. M.T. M.Kom. M.Ak. M.Hum. M.Sc. Ph.D. Sp.A. MM M.Si M.Kn.")
)

# Region -> (agency as on the roster, what people type for it).
REGIONS = {
    "Bali": ("Pemerintah Provinsi Bali", ["Pemprov Bali", "Prov Bali", "Pemprov"]),
    "Denpasar": ("Pemerintah Kota Denpasar", ["Denpasar", "Dps", "Pemkot Denpasar"]),
    "Badung": ("Pemerintah Kabupaten Badung", ["Badung", "Bdg", "Pemkab Badung"]),
    "Buleleng": ("Pemerintah Kabupaten Buleleng", ["Buleleng", "Bll", "Pemkab Buleleng"]),
    "Gianyar": ("Pemerintah Kabupaten Gianyar", ["Gianyar", "Pemkab Gianyar"]),
    "Bangli": ("Pemerintah Kabupaten Bangli", ["Bangli"]),
    "Tabanan": ("Pemerintah Kabupaten Tabanan", ["Tabanan", "Tbn"]),
    "Karangasem": ("Pemerintah Kabupaten Karangasem", ["Karangasem"]),
    "Jateng": ("Pemerintah Provinsi Jawa Tengah", ["Pemprov Jateng", "Prov Jateng", "Jateng"]),
    "Semarang": ("Pemerintah Kota Semarang", ["Semarang", "Pemkot Semarang", "Kota Semarang"]),
    "Surakarta": ("Pemerintah Kota Surakarta", ["Surakarta", "Pemkot Surakarta"]),
    "Banyumas": ("Pemerintah Kabupaten Banyumas", ["Banyumas", "Pemkab Banyumas"]),
    "Cilacap": ("Pemerintah Kabupaten Cilacap", ["Cilacap", "Pemkab Cilacap"]),
    "Magelang": ("Pemerintah Kabupaten Magelang", ["Magelang", "Pemkab Magelang"]),
    "Pekalongan": ("Pemerintah Kota Pekalongan", ["Pekalongan", "Pemkot Pekalongan"]),
}
# The governments of each day's batches: the Bali programme (DOMAIN.md), and Central Java.
DAYS = {
    "bali": [("Bali", "Denpasar"), ("Badung", "Buleleng"), ("Bangli", "Gianyar"), ("Karangasem", "Tabanan")],
    "java": [("Jateng", "Semarang"), ("Surakarta", "Banyumas"), ("Cilacap", "Magelang", "Pekalongan")],
}
_COMMON_UNITS = {
    "Dinas Kesehatan": ["Dinkes"],
    "Dinas Komunikasi dan Informatika": ["Diskominfo", "Kominfo"],
    "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia": ["BKPSDM"],
    "Badan Perencanaan Pembangunan Daerah": ["Bappeda"],
    "Dinas Pendidikan": ["Disdik"],
    "Sekretariat Daerah": ["Setda"],
    "Inspektorat": ["Inspektorat"],
    "Dinas Pariwisata": ["Dispar"],
    "Dinas Sosial": ["Dinsos"],
    "Badan Pengelolaan Keuangan dan Aset Daerah": ["BPKAD"],
    "Dinas Kependudukan dan Pencatatan Sipil": ["Disdukcapil", "Dukcapil"],
    "Dinas Perhubungan": ["Dishub"],
}
_LOCAL_UNITS = {
    "Bali": ["RSUD Bali Mandara", "Badan Pendapatan Daerah"],
    "Denpasar": ["Kecamatan Denpasar Selatan", "Kecamatan Denpasar Barat", "Puskesmas Sanur", "RSUD Wangaya"],
    "Badung": [
        "Kecamatan Kuta",
        "Kecamatan Mengwi",
        "Kecamatan Kuta Selatan",
        "RSUD Mangusada",
        "Puskesmas Abiansemal",
    ],
    "Buleleng": ["Kecamatan Sukasada", "Kecamatan Seririt", "Puskesmas Gerokgak", "RSUD Buleleng"],
    "Gianyar": ["Kecamatan Ubud", "Kecamatan Sukawati", "RSUD Sanjiwani", "Puskesmas Tegallalang"],
    "Bangli": ["Kecamatan Kintamani", "Kecamatan Susut", "RSUD Bangli"],
    "Karangasem": ["Kecamatan Abang", "Kecamatan Manggis", "RSUD Karangasem"],
    "Tabanan": ["Kecamatan Kediri", "Kecamatan Marga", "RSUD Tabanan", "Puskesmas Penebel"],
    "Jateng": ["RSUD Tugurejo", "Badan Pendapatan Daerah"],
    "Semarang": [
        "Kecamatan Tembalang",
        "Kecamatan Banyumanik",
        "Puskesmas Ngesrep",
        "RSUD KRMT Wongsonegoro",
    ],
    "Surakarta": ["Kecamatan Laweyan", "Kecamatan Jebres", "RSUD Bung Karno"],
    "Banyumas": ["Kecamatan Sokaraja", "Kecamatan Ajibarang", "RSUD Banyumas", "Puskesmas Kembaran"],
    "Cilacap": ["Kecamatan Kroya", "Kecamatan Majenang", "RSUD Cilacap"],
    "Magelang": ["Kecamatan Mertoyudan", "Kecamatan Muntilan", "RSUD Muntilan"],
    "Pekalongan": ["Kecamatan Pekalongan Utara", "Puskesmas Kusuma Bangsa", "RSUD Bendan"],
}
UNITS = {region: [*_COMMON_UNITS, *_LOCAL_UNITS[region]] for region in REGIONS}


def unit_short(unit: str) -> list[str]:
    """What people type for a unit (`Dinkes` for `Dinas Kesehatan`, `Kec Kuta` for `Kecamatan Kuta`)."""
    if unit in _COMMON_UNITS:
        return _COMMON_UNITS[unit]
    head, _, rest = unit.partition(" ")
    short = {"Kecamatan": ["Kec", "Kec.", "Kecamatan"], "Puskesmas": ["PKM", "Puskesmas"], "RSUD": ["RSUD"]}
    return [f"{s} {rest}" for s in short.get(head, [head])]


# What Zoom shows when nobody typed a name: the phone's or laptop's own name, the app's default, a role.
DEVICES = [
    "iPhone",
    "iPhone 11",
    "iPhone (2)",
    "iPad",
    "Galaxy A12",
    "Samsung",
    "Samsung Galaxy A52",
    "OPPO A5s",
    "Redmi Note 9",
    "vivo 1904",
    "Realme C11",
    "Infinix HOT 10",
    "User",
    "Zoom user",
    "Android",
    "Laptop",
    "Asus",
    "Lenovo",
    "Admin",
    "HP",
    "DESKTOP-4K2JQ1",
    "Operator",
]


def offices(region: str) -> list[str]:
    """Display names of a whole office watching together (nonton bareng)."""
    short = REGIONS[region][1][0]
    return [
        f"Ruang Rapat Dinkes {short}",
        f"BKPSDM {short}",
        f"Aula Kantor Camat {short}",
        f"Kominfo {short}",
        f"Ruang Rapat Bappeda {short}",
        "Aula Setda",
        f"Kantor Dinsos {short}",
    ]


def respell(rng: random.Random, words: Sequence[str]) -> tuple[str, ...]:
    """The same name in another spelling: old/new spelling, a Muhammad or Ahmad variant, `Abdul` joined."""
    out: list[str] = []
    for w in words:
        if w in OLD_SPELLING:
            out.append(OLD_SPELLING[w])
        elif w in _MODERN:
            out.append(_MODERN[w])
        elif w == "Muhammad":
            out.append(rng.choice(["M.", "Moh.", "Muh.", "Mochammad", "Mohamad", "Muhamad", "Moch."]))
        elif w == "Ahmad":
            out.append(rng.choice(["Achmad", "Akhmad"]))
        elif out and out[-1] == "Abdul" and w in ABDUL:
            out[-1] = ABDUL[w]
        elif w.startswith("Nur") and len(w) > 6 and w[3] not in "aeiou":
            out.extend(["Nur", w[3:].capitalize()])  # `Nurhayati` as `Nur Hayati`
        else:
            out.append(w)
    return tuple(out)


def same_rank(rng: random.Random, honorifics: Sequence[str]) -> tuple[str, ...]:
    """The honorifics with the birth-order word replaced by another word of the same rank."""
    out = []
    for h in honorifics:
        rank = next((r for r, words in BIRTH_ORDER.items() if h in words), None)
        out.append(rng.choice([w for w in BIRTH_ORDER[rank] if w != h] or [h]) if rank else h)
    return tuple(out)
