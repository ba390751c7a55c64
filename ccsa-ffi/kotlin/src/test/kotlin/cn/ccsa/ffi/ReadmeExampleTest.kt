package cn.ccsa.ffi

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

/** The README's Kotlin example, run as written (between the markers). */
class ReadmeExampleTest {
    @Test
    fun theReadmeExampleRuns() = runBlocking {
        val dbPath = java.nio.file.Files.createTempDirectory("readme").resolve("ccsa.db").toString()
        val key = ByteArray(32) { 7 }
        val storeKey = ByteArray(32) { 9 } // apps: from the Android Keystore / iOS Keychain
        val appUser = "wx-openid-1"
        val printed = mutableListOf<String>()
        fun println(s: Any) { printed.add(s.toString()) }
        // README BEGIN
        val engine = openEngine(
            "sqlite://$dbPath",
            EngineOptions(seed = 2020uL, invitationKey = key, storeKey = storeKey, fixedTime = "2020-03-24T01:00:00Z"), // apps: no fixedTime
        )
        try {
            engine.bind(appUser, "张伟", "13800138000")
        } catch (e: CcsaException.Binding) {
            println("${e.code} ${e.detail}") // NO_MATCHING_MEMBER 未找到与所填姓名和手机号一致的人员信息：请确认……
        }
        if (engine.listNoticeBureaus() > 0u) engine.loadSampleContent()   // first run on this device
        engine.registerAdmin(AdminRegistrationForm("神木市应急管理局", null, "王五", "13900139000", null, "shenmu", "shenmu2020"))
        val admin = engine.login("shenmu", "shenmu2020")
        engine.addMember(admin.token, MemberFormRecord("张伟", "", "安全员", "男", "110105199003071239", "13800138000", "", "本科"))
        engine.bind(appUser, "张伟", "13800138000")
        val quiz = engine.todaysQuiz(appUser)
        val outcome = engine.submit(appUser, quiz.questions.map { AnswerRecord(it.id, "A") })
        println("${outcome.result.correct}/${outcome.result.total}，累计 ${engine.myPoints(appUser)} 分")
        for (line in engine.leaderboard(Scope.All, Period.Campaign, 0u, 10u)) {
            println("${line.rank} ${line.name} ${line.points}") // names arrive masked: 张*
        }
        // README END
        assertEquals("NO_MATCHING_MEMBER", printed[0].substringBefore(' '))
        assertEquals("1 张* ${outcome.result.points}", printed.last())
    }
}
