package cn.ccsa.ffi

import com.google.zxing.BinaryBitmap
import com.google.zxing.client.j2se.BufferedImageLuminanceSource
import com.google.zxing.common.HybridBinarizer
import com.google.zxing.qrcode.QRCodeReader
import java.io.ByteArrayInputStream
import java.nio.file.Files
import javax.imageio.ImageIO
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** A valid 18-character ID number from 17 digits (GB 11643, ISO 7064 MOD 11-2). */
fun idNumber(body: String): String {
    val weights = intArrayOf(7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    val sum = body.mapIndexed { i, c -> (c - '0') * weights[i] }.sum()
    return body + "10X98765432"[sum % 11]
}

/** A member form; the gender follows the ID number (odd 17th digit: 男). */
fun form(name: String, phone: String, body: String, department: String = "生产部") = MemberFormRecord(
    name = name, department = department, position = "操作工",
    gender = if ((body[16] - '0') % 2 == 1) "男" else "女",
    idNumber = idNumber(body), phone = phone, email = "", education = "本科",
)

const val LINK = "https://example.invalid/join?t={token}"

/** An engine on an app-local SQLite file, clock pinned at 2020-03-24 09:00 Beijing time. */
fun engine(): Engine = runBlocking {
    val dir = Files.createTempDirectory("ccsa-ffi")
    openEngine(
        "sqlite://${dir.resolve("ccsa.db")}",
        EngineOptions(
            fixedTime = "2020-03-24T01:00:00Z", seed = 2020uL,
            invitationKey = ByteArray(32) { it.toByte() }, invitationLink = LINK,
        ),
    )
}

val SHENMU = AdminRegistrationForm(
    orgName = "神木市应急管理局", creditCode = null, realName = "王五", phone = "13800138000",
    email = null, username = "shenmu", password = "shenmu2020",
)

/** Lists the bureaus, registers the Shenmu admin and logs in. */
suspend fun Engine.admin(): SessionRecord {
    listNoticeBureaus()
    registerAdmin(SHENMU)
    return login("shenmu", "shenmu2020")
}

class HelpersTest {
    @Test
    fun idNumbersPhonesAndNamesReadAsOnTheServer() {
        val id = parseIdNumber("11010519491231002x", "2020-03-24")
        assertEquals("11010519491231002X", id.normalized)
        assertEquals("1949-12-31", id.birthDate)
        assertEquals("女", id.gender)
        assertEquals("11", id.regionCode)
        assertFalse(id.masked.contains("19491231"))
        val phone = parsePhone("+86 138-0013-8000")
        assertEquals("13800138000", phone.normalized)
        assertEquals("138****8000", phone.masked)
        assertEquals("138****8000", maskPhone("13800138000"))
        assertEquals("阿依古丽·买买提", normalizeName(" 阿依古丽·买买提 "))
        assertTrue(maskName("李四").startsWith("李") && maskName("李四").contains("*"))
    }

    @Test
    fun errorsAreTypedWithStableCodes() {
        val e = assertThrows<CcsaException.Validation> { parseIdNumber("110105194912310021", "2020-03-24") }
        assertEquals("ID_NUMBER_CHECKSUM", e.code)
        assertTrue(e.detail.contains("身份证"))
        assertEquals("PHONE_INVALID", assertThrows<CcsaException.Validation> { parsePhone("12345") }.code)
        assertEquals("NAME_HAS_DIGITS", assertThrows<CcsaException.Validation> { normalizeName("张3") }.code)
        assertEquals("DATE_INVALID", assertThrows<CcsaException.Validation> { parseIdNumber("x", "24/03/2020") }.code)
        assertEquals(
            "INVITATION_MALFORMED",
            assertThrows<CcsaException.Directory> { invitationTokenFromText("https://elsewhere.invalid/?t=x", LINK) }.code,
        )
    }

    @Test
    fun drawsAreReproducibleAndGradingIsExact() {
        val pool = (1L..60L).map { PoolQuestion(it, listOf("法律法规", "安全常识", "应急处置")[(it % 3).toInt()]) }
        val a = auditDraw(pool, 7, "2020-03-24", 1uL, 2020uL, emptyList(), emptyList(), 5u)
        assertEquals(5, a.size)
        assertEquals(a, auditDraw(pool, 7, "2020-03-24", 1uL, 2020uL, emptyList(), emptyList(), 5u))
        assertEquals(3, a.map { pool.first { p -> p.id == it }.category }.toSet().size, "round-robin over categories")
        // A due review question comes first; questions seen yesterday are not drawn again.
        val seen = a.map { SeenQuestion(it, "2020-03-23") }
        val b = auditDraw(pool, 7, "2020-03-24", 1uL, 2020uL, seen, listOf(a[0]), 5u)
        assertEquals(a[0], b[0])
        assertTrue(b.drop(1).none { it in a })
        val g = gradeAnswers(
            listOf(AnswerRecord(1, "A"), AnswerRecord(2, "BD")),
            listOf(AnswerRecord(2, "DB"), AnswerRecord(1, "C")),
        )
        assertEquals(1u, g.correct)
        assertEquals(listOf(false, true), g.items.map { it.correct })
        assertEquals(
            "ANSWERS_DONT_MATCH_DRAW",
            assertThrows<CcsaException.Quiz> { gradeAnswers(listOf(AnswerRecord(1, "A")), emptyList()) }.code,
        )
    }
}

class AdminTest {
    @Test
    fun theFirstRegistrantTakesTheSeat() = runBlocking {
        val e = engine()
        assertEquals(53u, e.listNoticeBureaus())
        assertEquals(0u, e.listNoticeBureaus())
        // Two phones race for the seat: exactly one wins.
        val second = SHENMU.copy(realName = "赵六", phone = "13900139000", username = "shenmu2")
        val results = listOf(SHENMU, second).map { f ->
            async { runCatching { e.registerAdmin(f) } }
        }.awaitAll()
        assertEquals(1, results.count { it.isSuccess })
        val loser = results.first { it.isFailure }.exceptionOrNull() as CcsaException.Registration
        assertEquals("ADMIN_ALREADY_REGISTERED", loser.code)
        val unlisted = SHENMU.copy(orgName = "某某化工有限公司", username = "other1")
        assertEquals("ORG_NOT_LISTED", assertThrows<CcsaException.Registration> { runBlocking { e.registerAdmin(unlisted) } }.code)
        val invalid = SHENMU.copy(orgName = "南京市江北新区应急管理局", phone = "123", username = "jiangbei")
        assertEquals("INVALID_INFO", assertThrows<CcsaException.Registration> { runBlocking { e.registerAdmin(invalid) } }.code)
        val winner = results.first { it.isSuccess }.getOrThrow()
        assertTrue(winner.realName.contains("*"), "names leave masked")
    }

    @Test
    fun departmentsMembersAndImports() = runBlocking {
        val e = engine()
        val s = e.admin()
        assertEquals("LOGIN_FAILED", assertThrows<CcsaException.Registration> { runBlocking { e.login("shenmu", "wrong") } }.code)
        val prod = e.createDepartment(s.token, "生产部")
        e.createDepartment(s.token, "二车间")
        e.addMember(s.token, form("张伟", "19900000001", "61082119900307123"))
        val header = "序号,用户姓名,部门名称,职位,用户性别,用户身份证号,用户手机号,用户邮箱,学历\r\n"
        val rows = listOf(
            "1,李娜,生产部,班长,女,${idNumber("61082119910412234")},19900000002,,大专",
            "2,王强,二车间,操作工,男,${idNumber("61082119880101345")},19900000003,,本科",
            "3,赵敏,三车间,操作工,女,${idNumber("61082119920202456")},1990000000,,本科",
        )
        val csv = (header + rows.joinToString("\r\n") + "\r\n").toByteArray(Charsets.UTF_8)
        val dry = e.importMembers(s.token, csv, "名单.csv", ImportMode.DRY_RUN)
        assertFalse(dry.written)
        val report = e.importMembers(s.token, csv, "名单.csv", ImportMode.VALID_ROWS)
        assertEquals(listOf(3u, 2u, 1u), listOf(report.rows, report.created, report.failed))
        val codes = report.errors.map { Triple(it.row, it.column, it.code) }.toSet()
        assertTrue(Triple(4u, "部门名称", "DEPARTMENT_NOT_FOUND") in codes, codes.toString())
        assertTrue(Triple(4u, "用户手机号", "PHONE_INVALID") in codes, codes.toString())
        assertTrue(report.errors.all { it.detail.isNotBlank() })
        val members = e.members(s.token)
        assertEquals(3, members.size)
        assertTrue(members.all { it.phone.contains("****") && !it.idNumber.contains("1990") })
        val workshop = e.departments(s.token).first { it.name == "二车间" }
        assertEquals(1u, e.deleteDepartment(s.token, workshop.id))
        assertEquals(1, e.members(s.token).count { it.departmentId == null })
        assertTrue(e.members(s.token).any { it.departmentId == prod.id })
        assertEquals("FILE_UNREADABLE", assertThrows<CcsaException.Import> {
            runBlocking { e.importMembers(s.token, "not a sheet".toByteArray(), "x.xlsx", ImportMode.VALID_ROWS) }
        }.code)
        assertTrue(e.importTemplate(s.token).size > 1000)
        e.logout(s.token)
        assertEquals("SESSION_INVALID", assertThrows<CcsaException.Registration> { runBlocking { e.members(s.token) } }.code)
    }

    @Test
    fun invitationQrCodesDecodeBackToTheirToken() = runBlocking {
        val e = engine()
        val s = e.admin()
        val dept = e.createDepartment(s.token, "生产部")
        val inv = e.createInvitation(s.token, dept.id, 48u, 2u)
        val image = ImageIO.read(ByteArrayInputStream(inv.qrPng))
        val text = QRCodeReader().decode(BinaryBitmap(HybridBinarizer(BufferedImageLuminanceSource(image)))).text
        assertEquals(inv.qrText, text)
        assertEquals(inv.token, invitationTokenFromText(text, LINK))
        val seen = e.inspectInvitation(inv.token)
        assertEquals(2u, seen.maxUses)
        assertEquals(dept.id, seen.departmentId)
        val m = e.redeemInvitation(inv.token, form("孙丽", "19900000011", "61082119930303567", department = ""))
        assertEquals(dept.id, m.departmentId, "the invitation fixes the department")
        e.redeemInvitation(inv.token, form("周杰", "19900000012", "61082119940404678"))
        assertEquals("INVITATION_USED_UP", assertThrows<CcsaException.Directory> { runBlocking { e.inspectInvitation(inv.token) } }.code)
        val forged = (if (inv.token[0] == 'A') "B" else "A") + inv.token.drop(1)
        assertEquals("INVITATION_FORGED", assertThrows<CcsaException.Directory> { runBlocking { e.inspectInvitation(forged) } }.code)
    }
}

class TraineeTest {
    @Test
    fun bindingLocksOutAfterRepeatedFailures() = runBlocking {
        val e = engine()
        val s = e.admin()
        e.createDepartment(s.token, "生产部")
        e.addMember(s.token, form("张伟", "19900000001", "61082119900307123"))
        assertEquals("NO_MATCHING_MEMBER", assertThrows<CcsaException.Binding> { runBlocking { e.bind("wx-9", "张伟", "19900000099") } }.code)
        repeat(5) {
            assertEquals("NO_MATCHING_MEMBER", assertThrows<CcsaException.Binding> { runBlocking { e.bind("wx-1", "张卫", "19900000001") } }.code)
        }
        // Five failures within the hour lock the app user and the phone, even with the right name.
        val locked = assertThrows<CcsaException.Binding> { runBlocking { e.bind("wx-1", "张伟", "19900000001") } }
        assertEquals("LOCKED_UNTIL", locked.code)
        e.setTime("2020-03-24T02:01:00Z")
        val b = e.bind("wx-1", "张伟", "19900000001")
        assertEquals(s.orgId, b.orgId)
        assertEquals("MEMBER_ALREADY_BOUND", assertThrows<CcsaException.Binding> { runBlocking { e.bind("wx-2", "张伟", "19900000001") } }.code)
    }

    @Test
    fun aFullDayOfQuizLeaderboardAndLearning() = runBlocking {
        val e = engine()
        val s = e.admin()
        e.createDepartment(s.token, "生产部")
        e.addMember(s.token, form("张伟", "19900000001", "61082119900307123"))
        e.addMember(s.token, form("李娜", "19900000002", "61082119910412234"))
        e.bind("wx-1", "张伟", "19900000001")
        e.bind("wx-2", "李娜", "19900000002")
        val counts = e.loadSampleContent()
        assertTrue(counts.questions >= 100u && counts.laws > 20u)
        val quiz = e.todaysQuiz("wx-1")
        assertEquals("2020-03-24", quiz.day)
        assertEquals(5, quiz.questions.size)
        assertNull(quiz.result)
        assertEquals(quiz, e.todaysQuiz("wx-1"), "reopening shows the same questions")
        val first = e.submit("wx-1", quiz.questions.map { AnswerRecord(it.id, "A") })
        assertTrue(first.first)
        assertEquals(5u, first.result.total)
        // A repeat (say, a retry after a dropped connection) gets the first result.
        val again = e.submit("wx-1", quiz.questions.map { AnswerRecord(it.id, "B") })
        assertFalse(again.first)
        assertEquals(first.result, again.result)
        assertEquals(first.result, e.todaysQuiz("wx-1").result)
        assertEquals(first.result.points, e.myPoints("wx-1"))
        val other = e.todaysQuiz("wx-2")
        e.submit("wx-2", other.questions.map { AnswerRecord(it.id, "B") })
        val board = e.leaderboard(Scope.All, Period.Campaign, 0u, 10u)
        assertEquals(2, board.size)
        assertEquals(1u, board[0].rank)
        assertTrue(board.all { it.name.contains("*") })
        val mine = e.myStanding("wx-1", Scope.Org(s.orgId), Period.Day("2020-03-24"))
        assertNotNull(mine)
        assertEquals(first.result.points, mine!!.points)
        assertEquals("NOT_BOUND", assertThrows<CcsaException.Binding> { runBlocking { e.todaysQuiz("wx-nobody") } }.code)
        // Learning content.
        val laws = e.searchLaws("危险化学品", 0u, 10u)
        assertTrue(laws.total > 0uL)
        assertTrue(laws.hits.any { it.title.contains("危险化学品") })
        assertTrue(e.readingList("wx-1", 0u, 5u).isNotEmpty())
        val topics = e.topics()
        assertEquals(1, topics.size)
        assertEquals(3u, topics[0].items, "the special-work standard and two articles")
        e.setTime("2020-03-21T02:00:00Z")
        assertTrue(e.historyToday().any { it.title.contains("响水") })
    }

    @Test
    fun campaignWindowsAndOptionsAreChecked() = runBlocking {
        val dir = Files.createTempDirectory("ccsa-window")
        suspend fun open(start: String?, end: String?) = openEngine(
            "sqlite://${dir.resolve("w-$start.db")}",
            EngineOptions(seed = 1uL, campaignStart = start, campaignEnd = end, fixedTime = "2026-12-05T01:00:00Z"),
        )
        for ((e, code) in listOf(open(null, null) to "OUTSIDE_CAMPAIGN", open("2026-01-01", "2026-12-31") to null)) {
            val s = e.admin()
            e.createDepartment(s.token, "生产部")
            e.addMember(s.token, form("张伟", "19900000001", "61082119900307123"))
            e.bind("wx-1", "张伟", "19900000001")
            e.loadSampleContent()
            if (code == null) {
                assertEquals("2026-12-05", e.todaysQuiz("wx-1").day)
            } else {
                assertEquals(code, assertThrows<CcsaException.Quiz> { runBlocking { e.todaysQuiz("wx-1") } }.code)
            }
        }
        assertEquals("POLICY_INVALID", assertThrows<CcsaException.Quiz> { runBlocking { open("2026-12-31", "2026-01-01") } }.code)
        val bad = EngineOptions(seed = 1uL, invitationKey = ByteArray(5))
        assertEquals("VALUE_INVALID", assertThrows<CcsaException.Validation> {
            runBlocking { openEngine("sqlite://${dir.resolve("k.db")}", bad) }
        }.code)
        // Encryption at rest: the store opens with its key only.
        val sealedDb = "sqlite://${dir.resolve("sealed.db")}"
        val sealed = openEngine(sealedDb, EngineOptions(seed = 1uL, storeKey = ByteArray(32) { 3 }))
        assertEquals("sqlite", sealed.backend())
        for (opts in listOf(
            EngineOptions(seed = 1uL),
            EngineOptions(seed = 1uL, storeKey = ByteArray(32) { 4 }),
            EngineOptions(seed = 1uL, storeKey = ByteArray(5)),
        )) {
            assertEquals("STORE_KEY_INVALID", assertThrows<CcsaException.Storage> { runBlocking { openEngine(sealedDb, opts) } }.code)
        }
        val rotated = openEngine(sealedDb, EngineOptions(seed = 1uL, storeKey = ByteArray(32) { 4 }, storeKeyId = 2u,
            retiredStoreKey = RetiredKey(1u, ByteArray(32) { 3 })))
        assertEquals("sqlite", rotated.backend())
        val live = openEngine("sqlite://${dir.resolve("live.db")}", EngineOptions(seed = 1uL))
        assertEquals("sqlite", live.backend())
        assertEquals("VALUE_INVALID", assertThrows<CcsaException.Validation> { live.setTime("2020-03-24T01:00:00Z") }.code)
    }
}
